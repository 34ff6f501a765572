package org.wackamole.network.linux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.network.NetworkException;

/**
 * Who else claims our pool's IPv6 addresses on the segment: the IPv6 half of {@link ArpWatch}. A
 * raw ICMPv6 socket, filtered in the kernel to neighbour advertisements (type 136), hands every
 * advertisement that names a link-layer address other than ours to the listener as a
 * {@link ArpWatch.Claim}. An unsolicited advertisement with the Override flag is what a member that
 * takes an address sends (the counterpart of a gratuitous ARP); a killed member's kernel only
 * answers solicitations, with the Solicited flag set.
 *
 * <p>Before an address is added it is probed: a neighbour solicitation to its solicited-node group,
 * which its holder's kernel answers with a solicited advertisement, read from a socket of the
 * probe's own (as {@link ArpWatch} does).
 *
 * <p>Our own advertisements come back through the multicast loop; they name our MAC and are skipped.
 * The advertisement's target link-layer address option is the claimant; one without it names nobody
 * and is skipped (RFC 4861 lets a solicited answer to a unicast solicitation leave it out).
 */
final class NeighbourWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NeighbourWatch.class);
    private static final int NEIGHBOUR_ADVERTISEMENT = 136;
    private static final int ICMP6_FILTER = 1;
    private static final int SOLICITED = 0x40;
    private static final int OVERRIDE = 0x20;
    private static final int TARGET_LINK_LAYER_ADDRESS = 2;

    private final LibC libc = LibC.get();
    private final int fd;
    private final int probeFd;
    private final Predicate<String> ownMac;
    private final ClaimReader reader;

    /** The socket is opened here, in the calling thread's namespace. */
    NeighbourWatch(Predicate<String> ownMac, ArpWatch.Listener listener) throws NetworkException {
        fd = libc.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_ICMPV6);
        if (fd < 0) {
            throw new NetworkException("cannot open an ICMPv6 socket to watch neighbour advertisements: "
                    + LibC.describe(LibC.errno()));
        }
        byte[] filter = advertisementsOnly();
        if (libc.setsockopt(fd, LibC.IPPROTO_ICMPV6, ICMP6_FILTER, filter, filter.length) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw new NetworkException("cannot filter the ICMPv6 watch to neighbour advertisements: " + LibC.describe(errno));
        }
        probeFd = libc.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_ICMPV6);
        byte[] hops = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(255).array();
        if (probeFd < 0 || libc.setsockopt(probeFd, LibC.IPPROTO_ICMPV6, ICMP6_FILTER, filter, filter.length) < 0
                || libc.setsockopt(probeFd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_HOPS, hops, 4) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            if (probeFd >= 0) {
                libc.close(probeFd);
            }
            throw new NetworkException("cannot open an ICMPv6 socket for neighbour solicitations: " + LibC.describe(errno));
        }
        this.ownMac = ownMac;
        reader = new ClaimReader(fd, "wackamole-ndisc-watch", NeighbourWatch::parse, ownMac, listener);
    }

    /** An address to probe for, on the interface to ask on. */
    record Probe(Rtnetlink.Link link, Inet6Address address) {
    }

    /**
     * The first half of a probe: asks the link who has each address (a neighbour solicitation to its
     * solicited-node group, which its holder's kernel answers), without waiting. Answers queued before
     * are dropped: they answer nothing asked now. The probes that could not be sent (the interface has
     * no address to send from yet) are logged and left out of the result. One probe at a time.
     */
    synchronized List<Probe> solicit(List<Probe> probes) {
        ClaimReader.drain(probeFd);
        List<Probe> asked = new ArrayList<>();
        for (Probe p : probes) {
            try {
                send(p);
                asked.add(p);
            } catch (NetworkException e) {
                LOG.debug("Not probing {}: {}", p.address().getHostAddress(), e.getMessage());
            }
        }
        return asked;
    }

    /**
     * The second half: reads the answers until {@code deadlineNanos} or until each address was answered
     * ({@link ClaimReader#answers}, on the probe's own socket).
     *
     * @return the answering MAC of each address someone answered for
     */
    synchronized Map<InetAddress, String> answers(List<Probe> asked, long deadlineNanos) {
        Set<InetAddress> addresses = new HashSet<>();
        asked.forEach(p -> addresses.add(p.address()));
        return addresses.isEmpty() ? Map.of() : ClaimReader.answers(probeFd, NeighbourWatch::parse, addresses, ownMac, deadlineNanos);
    }

    private void send(Probe p) throws NetworkException {
        Rtnetlink.Link link = p.link();
        if (link.mac() == null || link.mac().length != 6) {
            throw new NetworkException("interface " + link.name() + " has no Ethernet address");
        }
        NeighbourAdvertiser.send(probeFd, link, solicitation(link.mac(), p.address()), solicitedNode(p.address()),
                "a neighbour solicitation for " + p.address().getHostAddress());
    }

    /** A neighbour solicitation for {@code target} with our link-layer address (the kernel fills in the checksum). */
    static byte[] solicitation(byte[] mac, Inet6Address target) {
        ByteBuffer m = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
        m.put((byte) 135).put((byte) 0).putShort((short) 0) // type, code, checksum
                .putInt(0)
                .put(target.getAddress())
                .put((byte) 1).put((byte) 1).put(mac); // option: source link-layer address, 8 bytes
        return m.array();
    }

    /** ff02::1:ffXX:XXXX, the group of every host that has an address ending in the target's last 24 bits. */
    static byte[] solicitedNode(Inet6Address target) {
        byte[] t = target.getAddress();
        return new byte[] {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, t[13], t[14], t[15]};
    }

    /** {@code struct icmp6_filter}: a set bit blocks its type; only type 136 passes. */
    static byte[] advertisementsOnly() {
        ByteBuffer f = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        for (int word = 0; word < 8; word++) {
            int blocked = -1;
            if (word == NEIGHBOUR_ADVERTISEMENT >> 5) {
                blocked &= ~(1 << (NEIGHBOUR_ADVERTISEMENT & 31));
            }
            f.putInt(blocked);
        }
        return f.array();
    }

    /**
     * The claim of an ICMPv6 neighbour advertisement (as a raw ICMPv6 socket reads it: from the ICMPv6
     * header on) that carries a target link-layer address option; else null. It counts as gratuitous
     * when it is unsolicited and overrides: what an announcing member sends.
     */
    static ArpWatch.Claim parse(byte[] message, int length, long nanos) {
        if (length < 24 || (message[0] & 0xFF) != NEIGHBOUR_ADVERTISEMENT || message[1] != 0) {
            return null;
        }
        int flags = message[4] & 0xFF;
        String mac = null;
        // Options follow the target, each a type, a length in units of 8 bytes, and its data.
        for (int at = 24; at + 8 <= length; ) {
            int units = message[at + 1] & 0xFF;
            if (units == 0 || at + 8 * units > length) {
                return null; // malformed (RFC 4861 says to drop it)
            }
            if ((message[at] & 0xFF) == TARGET_LINK_LAYER_ADDRESS && units == 1) {
                mac = HexFormat.ofDelimiter(":").formatHex(message, at + 2, at + 8);
            }
            at += 8 * units;
        }
        if (mac == null) {
            return null;
        }
        byte[] target = new byte[16];
        System.arraycopy(message, 8, target, 0, 16);
        try {
            Inet6Address address = (Inet6Address) InetAddress.getByAddress(target);
            boolean gratuitous = (flags & SOLICITED) == 0 && (flags & OVERRIDE) != 0;
            // Only a solicited advertisement answers a probe: an announcement read late may be older than it.
            return new ArpWatch.Claim(address, mac, (flags & SOLICITED) != 0, gratuitous, nanos);
        } catch (UnknownHostException | ClassCastException e) {
            return null; // an IPv4-mapped target is no address of ours
        }
    }

    @Override
    public void close() {
        reader.close();
        libc.close(fd);
        libc.close(probeFd);
    }
}
