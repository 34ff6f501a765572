package org.wackamole.network.linux;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wackamole.network.NetworkException;

/**
 * Unsolicited IPv6 neighbour advertisements: ICMPv6 type 136 with the Override flag and our
 * link-layer address, to all nodes (ff02::1) with hop limit 255 (receivers drop anything else).
 * The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket.
 */
final class NeighbourAdvertiser implements AutoCloseable {
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final int OVERRIDE = 0x20000000;

    private final LibC libc = LibC.get();
    private final int fd;

    NeighbourAdvertiser() throws NetworkException {
        fd = libc.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_ICMPV6);
        if (fd < 0) {
            throw new NetworkException("cannot open an ICMPv6 socket for neighbour advertisements: " + LibC.describe(LibC.errno()));
        }
        byte[] hops = intValue(255);
        if (libc.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_HOPS, hops, 4) < 0
                || libc.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_UNICAST_HOPS, hops, 4) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw new NetworkException("cannot set the hop limit of the ICMPv6 socket: " + LibC.describe(errno));
        }
    }

    static byte[] message(byte[] mac, Inet6Address target) {
        ByteBuffer m = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
        m.put((byte) 136).put((byte) 0).putShort((short) 0) // type, code, checksum (kernel)
                .putInt(OVERRIDE)
                .put(target.getAddress())
                .put((byte) 2).put((byte) 1).put(mac); // option: target link-layer address, 8 bytes
        return m.array();
    }

    void announce(Rtnetlink.Link link, Inet6Address vip) throws NetworkException {
        announce(link, vip, link.mac());
    }

    /**
     * An advertisement whose target link-layer address is {@code owner}: the old holder of a
     * hand-over points its neighbours at the new one (the Override flag replaces their entry).
     */
    void announce(Rtnetlink.Link link, Inet6Address vip, byte[] owner) throws NetworkException {
        if (link.mac() == null || link.mac().length != 6 || owner == null || owner.length != 6) {
            throw new NetworkException("interface " + link.name() + " has no Ethernet address: cannot advertise "
                    + vip.getHostAddress());
        }
        send(fd, link, message(owner, vip), ALL_NODES, "a neighbour advertisement for " + vip.getHostAddress());
    }

    /** Sends an ICMPv6 message from a raw socket to a link-local multicast group on the interface. */
    static void send(int fd, Rtnetlink.Link link, byte[] message, byte[] group, String what) throws NetworkException {
        LibC libc = LibC.get();
        if (libc.setsockopt(fd, LibC.IPPROTO_IPV6, LibC.IPV6_MULTICAST_IF, intValue(link.index()), 4) < 0) {
            throw new NetworkException("cannot select " + link.name() + " for " + what + ": " + LibC.describe(LibC.errno()));
        }
        ByteBuffer to = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        to.putShort((short) LibC.AF_INET6).putShort((short) 0).putInt(0).put(group).putInt(link.index());
        if (libc.sendto(fd, message, message.length, 0, to.array(), 28) < 0) {
            throw new NetworkException("cannot send " + what + " on " + link.name() + ": " + LibC.describe(LibC.errno()));
        }
    }

    private static byte[] intValue(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
