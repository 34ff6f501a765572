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
    private static final int ETH_P_IP = PacketCalls.ETH_P_IP;
    /** Every frame, in and out: a socket bound to one protocol does not see the frames the host sends. */
    private static final int ETH_P_ALL = 0x0003;

    /** One SYN-ACK: the sending MAC and the kernel's receive time, epoch ns. */
    record SynAck(String mac, long stamp) {
    }

    /**
     * A segment of one client port's connection: the client's SYN (with the MAC it was sent to: the
     * host its neighbour entry named), or a SYN-ACK or a reset (with the MAC that sent it), and the
     * kernel's time, epoch ns.
     */
    record Segment(String what, String mac, long stamp) {
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final byte[] vip;
    private final int port;
    private final List<SynAck> seen = new ArrayList<>();
    /** Every SYN sent, SYN-ACK and reset, by the client's port. */
    private final java.util.Map<Integer, List<Segment>> byPort = new java.util.HashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    SynAcks(String interfaceName, Inet4Address vip, int port) throws IOException {
        this.vip = vip.getAddress();
        this.port = port;
        NetworkInterface nic = NetworkInterface.getByName(interfaceName);
        if (nic == null) {
            throw new IOException("no interface " + interfaceName + " here");
        }
        fd = PacketCalls.open(nic.getIndex(), ETH_P_ALL);
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
            if ((b.getShort(12) & 0xFFFF) != ETH_P_IP || (buf[14] & 0xF0) != 0x40 || buf[14 + 9] != 6 || n < 14 + ihl + 14) {
                continue;
            }
            int tcp = 14 + ihl;
            if (java.util.Arrays.equals(buf, 30, 34, vip, 0, 4) && (b.getShort(tcp + 2) & 0xFFFF) == port
                    && (buf[tcp + 13] & 0x12) == 0x02) {
                // The client's own SYN, going out: to the MAC its neighbour entry names.
                Segment syn = new Segment("SYN sent to", HexFormat.ofDelimiter(":").formatHex(buf, 0, 6),
                        stamp < 0 ? PacketCalls.now() : stamp);
                synchronized (seen) {
                    byPort.computeIfAbsent(b.getShort(tcp) & 0xFFFF, k -> new ArrayList<>()).add(syn);
                }
                continue;
            }
            if (!java.util.Arrays.equals(buf, 26, 30, vip, 0, 4)) {
                continue;
            }
            boolean synAck = (buf[tcp + 13] & 0x12) == 0x12;
            boolean reset = (buf[tcp + 13] & 0x04) != 0;
            if ((b.getShort(tcp) & 0xFFFF) != port || !synAck && !reset) {
                continue;
            }
            String mac = HexFormat.ofDelimiter(":").formatHex(buf, 6, 12);
            long at = stamp < 0 ? PacketCalls.now() : stamp;
            synchronized (seen) {
                if (synAck) {
                    seen.add(new SynAck(mac, at));
                }
                byPort.computeIfAbsent(b.getShort(tcp + 2) & 0xFFFF, k -> new ArrayList<>())
                        .add(new Segment(reset ? "reset from" : "SYN-ACK from", mac, at));
            }
        }
    }

    /** The first SYN-ACK from {@code mac} received at or after {@code fromEpochNanos}, or null. */
    SynAck first(String mac, long fromEpochNanos) {
        synchronized (seen) {
            return seen.stream().filter(a -> a.mac().equalsIgnoreCase(mac) && a.stamp() >= fromEpochNanos).findFirst().orElse(null);
        }
    }

    /** The SYNs, SYN-ACKs and resets of the client's {@code clientPort} at or after {@code fromEpochNanos}, in order. */
    List<Segment> to(int clientPort, long fromEpochNanos) {
        synchronized (seen) {
            return byPort.getOrDefault(clientPort, List.of()).stream().filter(a -> a.stamp() >= fromEpochNanos).toList();
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
