package org.wackamole.network.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.wackamole.network.NetworkException;

/**
 * Who else answers for our pool's IPv4 addresses on the segment (RFC 5227's idea; no peer tool does
 * this): an {@code AF_PACKET} socket that receives every ARP frame of the namespace records, for each
 * watched address, the last foreign MAC that claimed it (an ARP reply or a gratuitous ARP with that
 * sender address). Before adding an address we send a probe (sender address 0.0.0.0, so nobody's
 * cache learns anything) and look at what answered; while we hold it, a foreign claim is a conflict.
 *
 * <p>The sockets are opened by the constructor, in the calling thread's namespace. A daemon thread
 * reads the watching socket; probes have a socket of their own that the probing thread drains itself
 * at its deadline, so that an answer queued in the kernel in time is never missed because a reader
 * thread was not scheduled (which a loaded machine showed).
 */
final class ArpWatch implements AutoCloseable {
    private static final int ETH_P_ARP = 0x0806;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final byte[] ANY = {0, 0, 0, 0};

    /**
     * A foreign MAC seen claiming a watched address (IPv6 ones come from {@link NeighbourWatch}).
     *
     * @param probeAnswer an ARP reply to a probe (target address 0.0.0.0, RFC 5227): only such a frame
     *                    answers the question a probe asks now; a gratuitous ARP read late from the
     *                    socket's queue could be older than the probe
     * @param gratuitous  a gratuitous ARP sent by that host itself (a request whose sender and target
     *                    addresses are the same, from the Ethernet address it names): what a member
     *                    that takes an address sends, and a killed member's kernel never does
     */
    record Claim(InetAddress address, String mac, boolean probeAnswer, boolean gratuitous, long nanos) {
    }

    /** How the network opens its watch (in the caller's namespace). */
    @FunctionalInterface
    interface Opener {
        ArpWatch open(Predicate<String> ownMac, Listener listener) throws NetworkException;
    }

    /** Called on the reader thread for every foreign claim of a watched address; keep it short. */
    interface Listener {
        void claimed(Claim claim);
    }

    private final LibC libc = LibC.get();

    private final int fd;
    private final int probeFd;
    private final Predicate<String> ownMac;
    private final Set<InetAddress> watched = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Claim> latest = new ConcurrentHashMap<>();
    private final ClaimReader reader;

    /**
     * @param ownMac true for this host's own MACs (the socket also sees the frames we send)
     */
    ArpWatch(Predicate<String> ownMac, Listener listener) throws NetworkException {
        this.ownMac = ownMac;
        // The protocol is given in network byte order: this socket receives every ARP frame, in and out.
        fd = libc.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ARP)));
        if (fd < 0) {
            throw new NetworkException("cannot open a packet socket to watch ARP: " + LibC.describe(LibC.errno()));
        }
        probeFd = libc.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ARP)));
        if (probeFd < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw new NetworkException("cannot open a packet socket for ARP probes: " + LibC.describe(errno));
        }
        reader = new ClaimReader(fd, "wackamole-arp-watch", ArpWatch::parse, ownMac, c -> {
            if (watched.contains(c.address())) {
                latest.put(c.address(), c);
                listener.claimed(c);
            }
        });
    }

    /** Watches these addresses from now on (the pool's IPv4 addresses). */
    void watch(Inet4Address address) {
        watched.add(address);
    }

    /** The latest foreign claim of the address seen at or after {@code sinceNanos}, or null. */
    Claim claimSince(Inet4Address address, long sinceNanos) {
        Claim c = latest.get(address);
        return c != null && c.nanos() - sinceNanos >= 0 ? c : null;
    }

    /** An address to probe for, on the interface to ask on. */
    record Probe(Rtnetlink.Link link, Inet4Address address) {
    }

    /**
     * Asks the segment who has these addresses and waits {@code waitNanos} for answers (replies to
     * 0.0.0.0 from a foreign MAC). Called by one thread at a time.
     *
     * @return the answering MAC of each address someone answered for
     */
    synchronized Map<Inet4Address, String> probe(java.util.List<Probe> probes, long waitNanos) throws NetworkException {
        ClaimReader.drain(probeFd);
        Set<Inet4Address> asked = new java.util.HashSet<>();
        for (Probe p : probes) {
            asked.add(p.address());
            sendProbe(p.link(), p.address());
        }
        Map<Inet4Address, String> answers = new java.util.LinkedHashMap<>();
        ClaimReader.answers(probeFd, ArpWatch::parse, asked, ownMac, System.nanoTime() + waitNanos)
                .forEach((a, mac) -> answers.put((Inet4Address) a, mac));
        return answers;
    }

    /** Sends one probe without waiting: answers reach the watch's listener like any claim. */
    void sendProbe(Rtnetlink.Link link, Inet4Address address) throws NetworkException {
        if (link.mac() == null || link.mac().length != 6) {
            throw new NetworkException("interface " + link.name() + " has no Ethernet address: cannot probe " + address.getHostAddress());
        }
        ByteBuffer f = ByteBuffer.allocate(42).order(ByteOrder.BIG_ENDIAN);
        f.put(BROADCAST).put(link.mac()).putShort((short) ETH_P_ARP);
        f.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4)
                .putShort((short) 1)
                .put(link.mac()).put(ANY)
                .put(new byte[6]).put(address.getAddress());
        byte[] frame = f.array();
        ByteBuffer ll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        ll.putShort((short) LibC.AF_PACKET)
                .order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_ARP)
                .order(ByteOrder.nativeOrder()).putInt(link.index())
                .putShort((short) 1).put((byte) 0).put((byte) 6).put(BROADCAST).put((byte) 0).put((byte) 0);
        if (libc.sendto(fd, frame, frame.length, 0, ll.array(), 20) < 0) {
            throw new NetworkException("cannot send an ARP probe for " + address.getHostAddress() + " on " + link.name()
                    + ": " + LibC.describe(LibC.errno()));
        }
    }

    /** The sender of an Ethernet/IPv4 ARP frame that claims an address (reply, or request from a non-zero sender); else null. */
    static Claim parse(byte[] frame, int length, long nanos) {
        if (length < 42 || (frame[12] & 0xFF) != 0x08 || (frame[13] & 0xFF) != 0x06) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(frame, 0, length).order(ByteOrder.BIG_ENDIAN);
        if (b.getShort(14) != 1 || b.getShort(16) != 0x0800 || frame[18] != 6 || frame[19] != 4) {
            return null;
        }
        int op = b.getShort(20);
        byte[] sender = new byte[4];
        System.arraycopy(frame, 28, sender, 0, 4);
        if ((op != 1 && op != 2) || (sender[0] == 0 && sender[1] == 0 && sender[2] == 0 && sender[3] == 0)) {
            return null; // a probe claims nothing
        }
        try {
            Inet4Address address = (Inet4Address) InetAddress.getByAddress(sender);
            String mac = HexFormat.ofDelimiter(":").formatHex(frame, 22, 28);
            boolean toProbe = op == 2 && frame[38] == 0 && frame[39] == 0 && frame[40] == 0 && frame[41] == 0;
            boolean gratuitous = op == 1 && java.util.Arrays.equals(frame, 28, 32, frame, 38, 42)
                    && java.util.Arrays.equals(frame, 6, 12, frame, 22, 28);
            return new Claim(address, mac, toProbe, gratuitous, nanos);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void close() {
        reader.close();
        libc.close(fd);
        libc.close(probeFd);
    }
}
