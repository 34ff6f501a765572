package org.wackamole.network.linux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.function.Predicate;
import org.wackamole.network.NetworkException;

/**
 * Who else claims our pool's IPv6 addresses on the segment: the IPv6 half of {@link ArpWatch}. A
 * raw ICMPv6 socket, filtered in the kernel to neighbour advertisements (type 136), hands every
 * advertisement that names a link-layer address other than ours to the listener as a
 * {@link ArpWatch.Claim}. An unsolicited advertisement with the Override flag is what a member that
 * takes an address sends (the counterpart of a gratuitous ARP); a killed member's kernel only
 * answers solicitations, with the Solicited flag set.
 *
 * <p>Our own advertisements come back through the multicast loop; they name our MAC and are skipped.
 * The advertisement's target link-layer address option is the claimant; one without it names nobody
 * and is skipped (RFC 4861 lets a solicited answer to a unicast solicitation leave it out).
 */
final class NeighbourWatch implements AutoCloseable {
    private static final int NEIGHBOUR_ADVERTISEMENT = 136;
    private static final int ICMP6_FILTER = 1;
    private static final int SOLICITED = 0x40;
    private static final int OVERRIDE = 0x20;
    private static final int TARGET_LINK_LAYER_ADDRESS = 2;

    private final LibC libc = LibC.get();
    private final int fd;
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
        reader = new ClaimReader(fd, "wackamole-ndisc-watch", NeighbourWatch::parse, ownMac, listener);
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
            return new ArpWatch.Claim(address, mac, false, gratuitous, nanos);
        } catch (UnknownHostException | ClassCastException e) {
            return null; // an IPv4-mapped target is no address of ours
        }
    }

    @Override
    public void close() {
        reader.close();
        libc.close(fd);
    }
}
