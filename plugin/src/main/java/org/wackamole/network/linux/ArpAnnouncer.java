package org.wackamole.network.linux;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wackamole.network.NetworkException;

/**
 * Gratuitous ARP through an {@code AF_PACKET} socket: a 42-byte Ethernet frame to ff:ff:ff:ff:ff:ff
 * carrying an ARP request whose sender and target protocol addresses are both the VIP (keepalived's
 * choice; Linux neighbours update an existing entry from it). The same frame with another target
 * address asks one listed host (Wackamole's notify list) to learn us.
 */
final class ArpAnnouncer implements AutoCloseable {
    private static final int ETH_P_ARP = 0x0806;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private final LibC libc = LibC.get();
    private final int fd;

    ArpAnnouncer() throws NetworkException {
        // Protocol 0: this socket only sends; it never receives a copy of every frame.
        fd = libc.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NetworkException("cannot open a packet socket for gratuitous ARP: " + LibC.describe(LibC.errno()));
        }
    }

    void announce(Rtnetlink.Link link, Inet4Address vip) throws NetworkException {
        send(link, vip, vip);
    }

    void notify(Rtnetlink.Link link, Inet4Address vip, Inet4Address target) throws NetworkException {
        send(link, vip, target);
    }

    static byte[] frame(byte[] mac, Inet4Address sender, Inet4Address target) {
        ByteBuffer f = ByteBuffer.allocate(42).order(ByteOrder.BIG_ENDIAN);
        f.put(BROADCAST).put(mac).putShort((short) ETH_P_ARP);
        f.putShort((short) 1)          // hardware: Ethernet
                .putShort((short) 0x0800) // protocol: IPv4
                .put((byte) 6).put((byte) 4)
                .putShort((short) 1)  // request
                .put(mac).put(sender.getAddress())
                .put(new byte[6]).put(target.getAddress());
        return f.array();
    }

    private void send(Rtnetlink.Link link, Inet4Address sender, Inet4Address target) throws NetworkException {
        if (link.mac() == null || link.mac().length != 6) {
            throw new NetworkException("interface " + link.name() + " has no Ethernet address: cannot send ARP for "
                    + sender.getHostAddress());
        }
        byte[] frame = frame(link.mac(), sender, target);
        ByteBuffer ll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        ll.putShort((short) LibC.AF_PACKET)
                .order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_ARP)
                .order(ByteOrder.nativeOrder()).putInt(link.index())
                .putShort((short) 1) // ARPHRD_ETHER
                .put((byte) 0).put((byte) 6).put(BROADCAST).put((byte) 0).put((byte) 0);
        if (libc.sendto(fd, frame, frame.length, 0, ll.array(), 20) < 0) {
            throw new NetworkException("cannot send gratuitous ARP for " + sender.getHostAddress() + " on " + link.name()
                    + ": " + LibC.describe(LibC.errno()));
        }
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
