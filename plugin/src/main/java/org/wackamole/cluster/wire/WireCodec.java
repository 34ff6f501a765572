package org.wackamole.cluster.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.wackamole.config.WackamoleConfig;

/**
 * Our own small binary encoding (never Java serialization): a magic byte, a version, a type,
 * the view key and round, then the body. Variable-length integers keep states of large pools short.
 * Decoding trusts nothing: every length is checked against what is left, limits bound what a
 * hostile or corrupt message can make us allocate, and every number is range-checked against what a
 * valid configuration can give (weights and quorum as {@link WackamoleConfig} allows them, list sizes by
 * the largest pool). What fails is a {@link MalformedMessageException}, never anything else; encoding
 * refuses what decoding would reject, so a member never sends what its peers drop.
 */
public final class WireCodec {
    static final int MAGIC = 0x57; // 'W'
    /**
     * 2: rounds name the resync tokens they answer (a paused member's proof that a round is fresh);
     * states say whether the member hands over; PREPARED.
     * 3: rounds name the silent members they go without; states name the ROUND they answer, say
     * whether the member is a dry run, and carry the settings summary behind the config digest.
     * Members of another version cannot read each other: each sees the other as silent (README,
     * "Members that cannot stall the farm").
     */
    public static final int VERSION = 3;
    static final int TYPE_ROUND = 1;
    static final int TYPE_STATE = 2;
    static final int TYPE_RELEASED = 3;
    static final int TYPE_ROUND_REQUEST = 4;
    static final int TYPE_PREPARED = 5;

    static final int MAX_STRING = 1024;
    /**
     * Entries of one list: a state's groups are at most the pool ({@link WackamoleConfig#MAX_GROUPS}), a PREPARED's
     * hardware addresses one per address of its groups.
     */
    static final int MAX_LIST = 4 * WackamoleConfig.MAX_GROUPS;
    /** A round answers at most this many resync requests; more wait for the next round. */
    public static final int MAX_RESYNCS = 64;

    private WireCodec() {
    }

    public static byte[] encode(WireMessage message) {
        Out out = new Out();
        out.b(MAGIC);
        out.b(VERSION);
        if (message instanceof WireMessage.Round r) {
            out.b(TYPE_ROUND);
            header(out, r);
            out.varint(r.perRound());
            if (r.quorum() > WackamoleConfig.MAX_QUORUM) {
                throw new IllegalArgumentException("quorum " + r.quorum() + " over " + WackamoleConfig.MAX_QUORUM);
            }
            out.varint(r.quorum());
            if (r.resyncs().size() > MAX_RESYNCS) {
                throw new IllegalArgumentException("more than " + MAX_RESYNCS + " resync tokens");
            }
            out.varint(r.resyncs().size());
            r.resyncs().forEach(out::int64);
            out.varint(r.silent().size());
            r.silent().forEach(out::varint);
            out.strings(r.silentHeld());
        } else if (message instanceof WireMessage.State s) {
            out.b(TYPE_STATE);
            header(out, s);
            if (s.node().isEmpty()) {
                throw new IllegalArgumentException("empty node name");
            }
            out.string(s.node());
            out.b((s.mature() ? 1 : 0) | (s.eligible() ? 2 : 0) | (s.handsOver() ? 4 : 0) | (s.dryRun() ? 8 : 0));
            if (s.weight() < 1 || s.weight() > WackamoleConfig.MAX_WEIGHT) {
                throw new IllegalArgumentException("weight " + s.weight() + " outside 1.." + WackamoleConfig.MAX_WEIGHT);
            }
            out.varint(s.weight());
            out.int32(s.configDigest());
            out.strings(s.preferred());
            out.strings(s.held());
            out.strings(s.declined());
            out.strings(s.macs());
            out.varint(s.starter());
            out.strings(s.settings());
        } else if (message instanceof WireMessage.Released r) {
            out.b(TYPE_RELEASED);
            header(out, r);
            out.strings(r.groups());
        } else if (message instanceof WireMessage.Prepared p) {
            out.b(TYPE_PREPARED);
            header(out, p);
            out.strings(p.groups());
            out.strings(p.macs());
        } else if (message instanceof WireMessage.RoundRequest r) {
            out.b(TYPE_ROUND_REQUEST);
            header(out, r);
            out.string(r.reason());
            out.int64(r.resync());
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return out.toByteArray();
    }

    private static void header(Out out, WireMessage m) {
        out.int64(m.view().creatorHigh());
        out.int64(m.view().creatorLow());
        out.varlong(m.view().id());
        out.varint(m.round());
    }

    public static WireMessage decode(byte[] bytes, int offset, int length) throws MalformedMessageException {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new MalformedMessageException("bad buffer bounds");
        }
        In in = new In(bytes, offset, length);
        if (in.u8() != MAGIC) {
            throw new MalformedMessageException("not a wackamole message");
        }
        int version = in.u8();
        if (version != VERSION) {
            throw new MalformedMessageException("unsupported version " + version);
        }
        int type = in.u8();
        ViewKey view = new ViewKey(in.int64(), in.int64(), in.varlong());
        int round = in.varint();
        WireMessage message;
        switch (type) {
            case TYPE_ROUND -> {
                int perRound = in.varint();
                int quorum = in.varint();
                if (quorum > WackamoleConfig.MAX_QUORUM) {
                    throw new MalformedMessageException("quorum " + quorum + " over " + WackamoleConfig.MAX_QUORUM);
                }
                message = new WireMessage.Round(view, round, perRound, quorum, in.longs(MAX_RESYNCS),
                        in.ints(MAX_LIST), in.strings());
            }
            case TYPE_STATE -> {
                String node = in.string();
                if (node.isEmpty()) {
                    throw new MalformedMessageException("empty node name");
                }
                int flags = in.u8();
                if ((flags & ~15) != 0) {
                    throw new MalformedMessageException("unknown state flags " + flags);
                }
                int weight = in.varint();
                if (weight < 1 || weight > WackamoleConfig.MAX_WEIGHT) {
                    throw new MalformedMessageException("weight " + weight + " outside 1.." + WackamoleConfig.MAX_WEIGHT);
                }
                message = new WireMessage.State(view, round, node, (flags & 1) != 0, (flags & 2) != 0, weight,
                        in.int32(), in.strings(), in.strings(), in.strings(), in.strings(), (flags & 4) != 0,
                        in.varint(), (flags & 8) != 0, in.strings());
            }
            case TYPE_RELEASED -> message = new WireMessage.Released(view, round, in.strings());
            case TYPE_PREPARED -> message = new WireMessage.Prepared(view, round, in.strings(), in.strings());
            case TYPE_ROUND_REQUEST -> message = new WireMessage.RoundRequest(view, round, in.string(), in.int64());
            default -> throw new MalformedMessageException("unknown type " + type);
        }
        if (in.remaining() != 0) {
            throw new MalformedMessageException(in.remaining() + " trailing bytes");
        }
        return message;
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(64);
        }

        void b(int v) {
            write(v);
        }

        void int32(int v) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                write(v >>> shift);
            }
        }

        void int64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                write((int) (v >>> shift));
            }
        }

        void varint(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative " + v);
            }
            varlong(v);
        }

        void varlong(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative " + v);
            }
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > MAX_STRING) {
                throw new IllegalArgumentException("string longer than " + MAX_STRING + " bytes");
            }
            varint(utf8.length);
            write(utf8, 0, utf8.length);
        }

        void strings(List<String> list) {
            if (list.size() > MAX_LIST) {
                throw new IllegalArgumentException("list of " + list.size() + " entries, more than " + MAX_LIST);
            }
            varint(list.size());
            for (String s : list) {
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("empty list entry");
                }
                string(s);
            }
        }
    }

    private static final class In {
        private final byte[] bytes;
        private int pos;
        private final int end;

        In(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.pos = offset;
            this.end = offset + length;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n) throws MalformedMessageException {
            if (n > end - pos) {
                throw new MalformedMessageException("truncated: need " + n + " bytes, have " + (end - pos));
            }
        }

        int u8() throws MalformedMessageException {
            need(1);
            return bytes[pos++] & 0xFF;
        }

        int int32() throws MalformedMessageException {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (bytes[pos++] & 0xFF);
            }
            return v;
        }

        long int64() throws MalformedMessageException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[pos++] & 0xFF);
            }
            return v;
        }

        long varlong() throws MalformedMessageException {
            long v = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw new MalformedMessageException("overlong variable-length number");
                    }
                    return v;
                }
            }
            throw new MalformedMessageException("variable-length number too long");
        }

        int varint() throws MalformedMessageException {
            long v = varlong();
            if (v > Integer.MAX_VALUE) {
                throw new MalformedMessageException("number out of range: " + v);
            }
            return (int) v;
        }

        String string() throws MalformedMessageException {
            int n = varint();
            if (n > MAX_STRING) {
                throw new MalformedMessageException("string of " + n + " bytes");
            }
            need(n);
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes, pos, n)).toString();
                pos += n;
                return s;
            } catch (CharacterCodingException e) {
                throw new MalformedMessageException("invalid UTF-8");
            }
        }

        List<Long> longs(int max) throws MalformedMessageException {
            int n = varint();
            if (n > max || (long) n * 8 > remaining()) {
                throw new MalformedMessageException("list of " + n + " numbers");
            }
            List<Long> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(int64());
            }
            return list;
        }

        List<Integer> ints(int max) throws MalformedMessageException {
            int n = varint();
            if (n > max || n > remaining()) {
                throw new MalformedMessageException("list of " + n + " numbers");
            }
            List<Integer> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(varint());
            }
            return list;
        }

        List<String> strings() throws MalformedMessageException {
            int n = varint();
            // Each entry takes at least two bytes (length, one character): a count larger than that is a lie.
            if (n > MAX_LIST || (long) n * 2 > remaining()) {
                throw new MalformedMessageException("list of " + n + " entries");
            }
            List<String> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String s = string();
                if (s.isEmpty()) {
                    throw new MalformedMessageException("empty list entry");
                }
                list.add(s);
            }
            return list;
        }
    }
}
