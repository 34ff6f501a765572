package org.wackamole.it;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.wackamole.network.linux.LibC;

/**
 * Which host accepts connections to a VIP, seen from the client: every TCP SYN-ACK from the VIP's
 * port that reaches the client's interface, with the Ethernet source (the host whose kernel accepted
 * the connection, whatever its server then does with it) and the kernel's receive time. Open it on a
 * thread in the client's namespace.
 */
final class SynAcks implements AutoCloseable {
    /** One SYN-ACK: the sending MAC and the kernel's receive time, epoch ns. */
    record SynAck(String mac, long stamp) {
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final byte[] vip;
    private final int port;
    private final List<SynAck> seen = new ArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    SynAcks(String interfaceName, Inet4Address vip, int port) throws IOException {
        this.vip = vip.getAddress();
        this.port = port;
        NetworkInterface nic = NetworkInterface.getByName(interfaceName);
        if (nic == null) {
            throw new IOException("no interface " + interfaceName + " here");
        }
        fd = PacketCalls.open(nic.getIndex(), PacketCalls.ETH_P_IP);
        reader = new Thread(this::read, "syn-acks");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (running) {
            long n = libc.recv(fd, buf, buf.length, 0);
            if (n < 14 + 20 + 20) {
                continue;
            }
            long stamp = PacketCalls.stamp(fd);
            ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
            int ihl = (buf[14] & 0x0F) * 4;
            if ((buf[14] & 0xF0) != 0x40 || buf[14 + 9] != 6 || !java.util.Arrays.equals(buf, 26, 30, vip, 0, 4)
                    || n < 14 + ihl + 14) {
                continue;
            }
            int tcp = 14 + ihl;
            if ((b.getShort(tcp) & 0xFFFF) != port || (buf[tcp + 13] & 0x12) != 0x12) {
                continue;
            }
            SynAck a = new SynAck(HexFormat.ofDelimiter(":").formatHex(buf, 6, 12), stamp < 0 ? PacketCalls.now() : stamp);
            synchronized (seen) {
                seen.add(a);
            }
        }
    }

    /** The first SYN-ACK from {@code mac} received at or after {@code fromEpochNanos}, or null. */
    SynAck first(String mac, long fromEpochNanos) {
        synchronized (seen) {
            return seen.stream().filter(a -> a.mac().equalsIgnoreCase(mac) && a.stamp() >= fromEpochNanos).findFirst().orElse(null);
        }
    }

    /** Frames this socket dropped since the last call. */
    long drops() {
        return PacketCalls.drops(fd);
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        libc.close(fd);
    }
}
