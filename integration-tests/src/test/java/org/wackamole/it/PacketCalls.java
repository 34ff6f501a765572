package org.wackamole.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.wackamole.network.linux.LibC;

/**
 * The two libc calls a client-side capture needs beyond {@link LibC}: the kernel's receive time of
 * the frame just read ({@code SIOCGSTAMPNS}), so that a reader thread scheduled late does not move
 * a frame in time, and the packet socket's drop count ({@code PACKET_STATISTICS}), so that a verdict
 * built from a capture knows it saw every frame.
 */
public interface PacketCalls {
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

    /** Epoch ns now, from the same clock as {@link #stamp}. */
    static long now() {
        java.time.Instant i = java.time.Clock.systemUTC().instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
