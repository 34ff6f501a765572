package org.wackamole.cluster.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wackamole.testing.TestSeeds;

class WireCodecTest {
    private static final ViewKey VIEW = new ViewKey(0x1234_5678_9abc_def0L, -42L, 17);

    static List<WireMessage> samples() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            many.add("198.51.100." + (i % 250) + "#" + i);
        }
        return List.of(
                new WireMessage.Round(VIEW, 1, 0, 0),
                new WireMessage.Round(VIEW, Integer.MAX_VALUE, 3, 2),
                new WireMessage.State(VIEW, 2, "web1", true, false, 3, -7, List.of("198.51.100.10"), List.of("2001:db8::1", "198.51.100.11"), List.of("198.51.100.12"),
                        List.of("02:00:5e:00:53:01", "02:00:5e:00:53:02")),
                new WireMessage.State(VIEW, 2, "nœud-ü", false, true, 1_000_000, 0, List.of(), many, List.of()),
                new WireMessage.State(VIEW, 3, "web2", true, true, 1, 5, List.of(), List.of(), List.of(), List.of("02:00:5e:00:53:03"), true),
                new WireMessage.Prepared(VIEW, 4, List.of("198.51.100.10", "198.51.100.11"),
                        List.of("02:00:5e:00:53:03", "02:00:5e:00:53:03", "02:00:5e:00:53:04")),
                new WireMessage.Prepared(VIEW, 0, List.of(), List.of()),
                new WireMessage.Released(VIEW, 5, List.of("198.51.100.10")),
                new WireMessage.Released(new ViewKey(0, 0, Long.MAX_VALUE), 0, List.of()),
                new WireMessage.RoundRequest(VIEW, 9, "drain"),
                new WireMessage.Round(VIEW, 5, 0, 0, List.of(1L, -7L, Long.MAX_VALUE)),
                new WireMessage.RoundRequest(VIEW, 3, "resync after a pause", -42L),
                new WireMessage.Round(VIEW, 6, 1, 2, List.of(), List.of(0, 3, 1_000), List.of("0:198.51.100.10", "3:2001:db8::1")),
                new WireMessage.State(VIEW, 6, "web3", true, true, 2, 11, List.of(), List.of("198.51.100.10"), List.of(), List.of(), false,
                        1, true, List.of("vips=4 groups #0a1b2c3d", "partition=all", "interfaces=veth0")));
    }

    @Test
    void roundTrips() throws Exception {
        for (WireMessage m : samples()) {
            byte[] bytes = WireCodec.encode(m);
            assertThat(WireCodec.decode(bytes, 0, bytes.length)).isEqualTo(m);
            // and at an offset inside a larger buffer, as JGroups hands them over
            byte[] padded = new byte[bytes.length + 10];
            System.arraycopy(bytes, 0, padded, 3, bytes.length);
            assertThat(WireCodec.decode(padded, 3, bytes.length)).isEqualTo(m);
        }
    }

    @Test
    void aStateOfAThousandGroupsIsSmall() {
        byte[] bytes = WireCodec.encode(samples().get(3));
        assertThat(bytes.length).isLessThan(25_000);
    }

    @Test
    void rejectsForeignTruncatedAndFutureMessages() {
        byte[] good = WireCodec.encode(samples().get(2));
        byte[] otherVersion = good.clone();
        otherVersion[1] = 2; // the previous version, without silent members and config summaries: kept out, visibly
        assertThatThrownBy(() -> WireCodec.decode(otherVersion, 0, otherVersion.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unsupported version 2");
        otherVersion[1] = 1;
        assertThatThrownBy(() -> WireCodec.decode(otherVersion, 0, otherVersion.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unsupported version 1");
        otherVersion[1] = 4;
        assertThatThrownBy(() -> WireCodec.decode(otherVersion, 0, otherVersion.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unsupported version 4");
        assertThatThrownBy(() -> WireCodec.decode(good, 0, good.length - 1))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("truncated");
        byte[] longer = new byte[good.length + 1];
        System.arraycopy(good, 0, longer, 0, good.length);
        assertThatThrownBy(() -> WireCodec.decode(longer, 0, longer.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("trailing");
        byte[] foreign = "GET / HTTP/1.1".getBytes();
        assertThatThrownBy(() -> WireCodec.decode(foreign, 0, foreign.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not a wackamole message");
        assertThatThrownBy(() -> WireCodec.decode(new byte[0], 0, 0)).isInstanceOf(MalformedMessageException.class);
    }

    /** Numbers a valid configuration cannot give are refused on decode, and never encoded. */
    @Test
    void rejectsNumbersOutOfRange() {
        WireMessage.State heaviest = new WireMessage.State(VIEW, 2, "n", true, true, 1_000_000, 0, List.of("198.51.100.10"), List.of(), List.of());
        byte[] tooHeavy = replace(WireCodec.encode(heaviest), varint(1_000_000), varint(1_000_001));
        assertThatThrownBy(() -> WireCodec.decode(tooHeavy, 0, tooHeavy.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("weight 1000001 outside 1..1000000");
        assertThatThrownBy(() -> WireCodec.encode(new WireMessage.State(VIEW, 2, "n", true, true, 1_000_001, 0, List.of(), List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class);

        byte[] bigQuorum = replace(WireCodec.encode(new WireMessage.Round(VIEW, 3, 0, 100_000)), varint(100_000), varint(100_001));
        assertThatThrownBy(() -> WireCodec.decode(bigQuorum, 0, bigQuorum.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("quorum 100001");

        byte[] noName = replace(WireCodec.encode(heaviest), new byte[] {1, 'n'}, new byte[] {0});
        assertThatThrownBy(() -> WireCodec.decode(noName, 0, noName.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("empty node name");

        byte[] emptyGroup = WireCodec.encode(new WireMessage.Released(VIEW, 1, List.of("g")));
        byte[] two = WireCodec.encode(new WireMessage.Released(VIEW, 1, List.of("g", "hh")));
        byte[] empty = replace(two, new byte[] {2, 1, 'g'}, new byte[] {2, 0});
        assertThatThrownBy(() -> WireCodec.decode(empty, 0, empty.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("empty list entry");

        // A count no message of this length can hold: refused before anything is allocated for it.
        byte[] liar = replace(emptyGroup, new byte[] {1, 1, 'g'}, concat(varint(WireCodec.MAX_LIST), new byte[] {1, 'g'}));
        assertThatThrownBy(() -> WireCodec.decode(liar, 0, liar.length))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("list of " + WireCodec.MAX_LIST);
        byte[] overLimit = replace(emptyGroup, new byte[] {1, 1, 'g'}, varint(WireCodec.MAX_LIST + 1));
        assertThatThrownBy(() -> WireCodec.decode(overLimit, 0, overLimit.length)).isInstanceOf(MalformedMessageException.class);
    }

    private static byte[] varint(int v) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The bytes with the last occurrence of {@code what} replaced (the body follows the header). */
    private static byte[] replace(byte[] bytes, byte[] what, byte[] with) {
        for (int i = bytes.length - what.length; i >= 0; i--) {
            if (java.util.Arrays.equals(bytes, i, i + what.length, what, 0, what.length)) {
                byte[] r = new byte[bytes.length - what.length + with.length];
                System.arraycopy(bytes, 0, r, 0, i);
                System.arraycopy(with, 0, r, i, with.length);
                System.arraycopy(bytes, i + what.length, r, i + with.length, bytes.length - i - what.length);
                return r;
            }
        }
        throw new AssertionError("not found");
    }

    /**
     * 200,000 random and mutated inputs: the decoder either returns a message that encodes back to
     * the same bytes, or throws {@link MalformedMessageException}; nothing else, ever. The same inputs
     * on every CI run; {@code -Dwackamole.explore=true} draws others ({@code -Dwackamole.fuzz.seed=N} replays).
     */
    @Test
    void fuzz() {
        long seed = TestSeeds.seed("wackamole.fuzz.seed", 20261125L);
        Random random = new Random(seed);
        List<byte[]> seeds = samples().stream().map(WireCodec::encode).toList();
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] input;
            if (i % 4 == 0) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
                if (input.length > 1 && random.nextBoolean()) {
                    input[0] = (byte) WireCodec.MAGIC;
                    input[1] = (byte) WireCodec.VERSION;
                }
            } else {
                input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            }
            try {
                WireMessage m = WireCodec.decode(input, 0, input.length);
                assertThat(WireCodec.encode(m)).as("re-encoding of an accepted input").isEqualTo(input);
                accepted++;
            } catch (MalformedMessageException e) {
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError("decoder threw " + e + " on input #" + i + " (wackamole.fuzz.seed=" + seed + ")", e);
            }
        }
        assertThat(accepted + rejected).isEqualTo(200_000);
        assertThat(rejected).isPositive();
        assertThat(accepted).isPositive();
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 3 -> {
                byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(8));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                b = longer;
            }
            default -> {
                int n = 1 + random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    b[random.nextInt(b.length)] = (byte) (random.nextBoolean() ? 0xFF : 0x80);
                }
            }
        }
        return b;
    }
}
