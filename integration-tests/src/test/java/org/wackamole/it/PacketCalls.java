package org.wackamole.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.wackamole.network.linux.LibC;

/**
 * The two libc calls a client-side capture needs beyond {@link LibC}: the kernel's receive time of
 * the frame just read ({@code SIOCGSTAMPNS}), so that a reader thread scheduled late does not move
 * a frame in time, and the packet socket's drop count ({@code PACKET_STATISTICS}), so that a verdict
 * built from a capture knows it saw every frame. With them, what every capture of the tests shares:
 * the packet socket it reads ({@link #open}), and the ARP frames it sends and reads.
 */
public interface PacketCalls {
    int ETH_P_IP = 0x0800;
    int ETH_P_ARP = 0x0806;
    int SIOCGSTAMPNS = 0x8907;
    int SOL_PACKET = 263;
    int PACKET_STATISTICS = 6;
    int SO_RCVBUFFORCE = 33;

    int ioctl(int fd, long request, @Out byte[] arg);

    int getsockopt(int fd, int level, int option, @Out byte[] value, @In @Out int[] length);

    final class Holder {
        static final PacketCalls INSTANCE = LibraryLoader.create(PacketCalls.class).option(LibraryOption.SaveError, true).load("c");

        private Holder() {
        }
    }

    static PacketCalls get() {
        return Holder.INSTANCE;
    }

    /** The receive time (epoch ns, CLOCK_REALTIME) of the last frame read from {@code fd}, or -1. */
    static long stamp(int fd) {
        byte[] ts = new byte[16];
        if (get().ioctl(fd, SIOCGSTAMPNS, ts) != 0) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(ts).order(ByteOrder.nativeOrder());
        return b.getLong(0) * 1_000_000_000L + b.getLong(8);
    }

    /** Frames the kernel dropped for {@code fd} since the last call (the count resets when read), or -1. */
    static long drops(int fd) {
        byte[] stats = new byte[8];
        int[] length = {8};
        if (get().getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, stats, length) != 0) {
            return -1;
        }
        return Integer.toUnsignedLong(ByteBuffer.wrap(stats).order(ByteOrder.nativeOrder()).getInt(4));
    }

    /** A large receive buffer (as root, beyond rmem_max), so a reader late by a second loses nothing. */
    static void bigBuffer(int fd) {
        byte[] size = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(8 << 20).array();
        if (LibC.get().setsockopt(fd, LibC.SOL_SOCKET, SO_RCVBUFFORCE, size, 4) != 0) {
            LibC.get().setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, size, 4);
        }
    }

    /**
     * A raw packet socket for one EtherType on the interface, bound, with a receive timeout of 100 ms
     * (so that a reader loop sees its stop flag), a large buffer ({@link #bigBuffer}), the kernel's
     * receive times on ({@link #stamp}) and the drop count starting from zero ({@link #drops}).
     * Open it on a thread in the namespace of the interface.
     */
    static int open(int ifindex, int etherType) throws IOException {
        LibC libc = LibC.get();
        String kind = etherType == ETH_P_ARP ? "an ARP" : etherType == ETH_P_IP ? "an IP" : String.format("a 0x%04x", etherType);
        int s = libc.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Short.toUnsignedInt(Short.reverseBytes((short) etherType)));
        if (s < 0) {
            throw new IOException("cannot open " + kind + " packet socket: " + LibC.describe(LibC.errno()));
        }
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0).putLong(100_000).array();
        byte[] ll = linkLayer(ifindex, etherType);
        if (libc.bind(s, ll, ll.length) < 0 || libc.setsockopt(s, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, 16) < 0) {
            int errno = LibC.errno();
            libc.close(s);
            throw new IOException("cannot bind " + kind + " packet socket: " + LibC.describe(errno));
        }
        bigBuffer(s);
        stamp(s); // switches the socket's receive timestamps on
        drops(s); // and starts the drop count from zero
        return s;
    }

    /** {@code sockaddr_ll} for {@code etherType} on the interface, addressed to the broadcast MAC (to bind, and to send to). */
    static byte[] linkLayer(int ifindex, int etherType) {
        ByteBuffer ll = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        ll.putShort((short) LibC.AF_PACKET).order(ByteOrder.BIG_ENDIAN).putShort((short) etherType)
                .order(ByteOrder.nativeOrder()).putInt(ifindex).putShort((short) 1).put((byte) 0).put((byte) 6)
                .put(Arp.BROADCAST).put((byte) 0).put((byte) 0);
        return ll.array();
    }

    /**
     * The fields of an ARP frame for IPv4 over Ethernet.
     *
     * @param op  {@link #REQUEST} or {@link #REPLY}
     * @param sha the sender's hardware address, {@code aa:bb:cc:dd:ee:ff}
     * @param spa the sender's IPv4 address
     * @param tpa the target's IPv4 address
     */
    record Arp(int op, String sha, byte[] spa, byte[] tpa) {
        public static final int REQUEST = 1;
        public static final int REPLY = 2;
        static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
        /** Where the target's IPv4 address starts in the frame. */
        public static final int TPA = 38;

        /** The ARP fields of the first {@code length} bytes of {@code frame}, or null when they are no such frame. */
        public static Arp of(byte[] frame, long length) {
            ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN);
            if (length < 42 || (b.getShort(12) & 0xFFFF) != ETH_P_ARP || (b.getShort(16) & 0xFFFF) != ETH_P_IP) {
                return null;
            }
            return new Arp(b.getShort(20) & 0xFFFF, HexFormat.ofDelimiter(":").formatHex(frame, 22, 28),
                    Arrays.copyOfRange(frame, 28, 32), Arrays.copyOfRange(frame, TPA, TPA + 4));
        }

        /** A gratuitous ARP: the sender announces its own address (target = sender). */
        public boolean gratuitous() {
            return Arrays.equals(spa, tpa);
        }

        /** "Who has {@code target}? Tell {@code sender}", broadcast from {@code mac}. */
        public static byte[] request(byte[] mac, byte[] sender, byte[] target) {
            ByteBuffer f = ByteBuffer.allocate(42).order(ByteOrder.BIG_ENDIAN);
            f.put(BROADCAST).put(mac).putShort((short) ETH_P_ARP)
                    .putShort((short) 1).putShort((short) ETH_P_IP).put((byte) 6).put((byte) 4).putShort((short) REQUEST)
                    .put(mac).put(sender).put(new byte[6]).put(target);
            return f.array();
        }
    }

    /** Epoch ns now, from the same clock as {@link #stamp}. */
    static long now() {
        java.time.Instant i = java.time.Clock.systemUTC().instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
