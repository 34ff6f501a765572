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
        return frame(mac, mac, sender, target);
    }

    /**
     * @param source the Ethernet source: always the sending interface's own, so that bridges keep
     *               learning where each MAC really is
     * @param owner  the ARP sender hardware address: the MAC neighbours should use for {@code sender}
     */
    static byte[] frame(byte[] source, byte[] owner, Inet4Address sender, Inet4Address target) {
        ByteBuffer f = ByteBuffer.allocate(42).order(ByteOrder.BIG_ENDIAN);
        f.put(BROADCAST).put(source).putShort((short) ETH_P_ARP);
        f.putShort((short) 1)          // hardware: Ethernet
                .putShort((short) 0x0800) // protocol: IPv4
                .put((byte) 6).put((byte) 4)
                .putShort((short) 1)  // request
                .put(owner).put(sender.getAddress())
                .put(new byte[6]).put(target.getAddress());
        return f.array();
    }

    /**
     * A gratuitous ARP that names another host's MAC for the VIP: the old holder of a hand-over
     * points its neighbours at the new one (Linux takes a gratuitous ARP over its 1 s locktime).
     */
    void announceFor(Rtnetlink.Link link, Inet4Address vip, byte[] owner) throws NetworkException {
        if (owner == null || owner.length != 6) {
            throw new NetworkException("no Ethernet address to announce " + vip.getHostAddress() + " for");
        }
        send(link, owner, vip, vip);
    }

    private void send(Rtnetlink.Link link, Inet4Address sender, Inet4Address target) throws NetworkException {
        send(link, link.mac(), sender, target);
    }

    private void send(Rtnetlink.Link link, byte[] owner, Inet4Address sender, Inet4Address target) throws NetworkException {
        if (link.mac() == null || link.mac().length != 6) {
            throw new NetworkException("interface " + link.name() + " has no Ethernet address: cannot send ARP for "
                    + sender.getHostAddress());
        }
        byte[] frame = frame(link.mac(), owner, sender, target);
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
