package org.wackamole.network.linux;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.wackamole.network.NetworkException;

/**
 * Kernel notifications of address and link changes: an {@code AF_NETLINK/NETLINK_ROUTE} socket
 * bound to the multicast groups RTMGRP_LINK, RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR. Like
 * {@link Rtnetlink}, it belongs to the network namespace of the thread that opened it, whatever
 * thread reads it later. Reads wait at most the timeout given, so a reader can notice it should stop.
 */
final class RtnetlinkEvents implements AutoCloseable {
    private static final int RTMGRP_LINK = 0x1;
    private static final int RTMGRP_IPV4_IFADDR = 0x10;
    private static final int RTMGRP_IPV6_IFADDR = 0x100;
    /** Room for a burst (an interface deleted with hundreds of addresses) before the kernel drops notifications. */
    private static final int RECEIVE_BUFFER = 1 << 20;

    /** A change the kernel told us about. */
    sealed interface Event permits LinkEvent, AddressEvent {
    }

    /** RTM_NEWLINK (a link appeared or its flags changed) or RTM_DELLINK. */
    record LinkEvent(Rtnetlink.Link link, boolean deleted) implements Event {
    }

    /** RTM_NEWADDR or RTM_DELADDR of {@code address} on the interface with {@code index}. */
    record AddressEvent(int index, InetAddress address, boolean deleted) implements Event {
    }

    /** The kernel dropped notifications (ENOBUFS): whoever relies on them must read the state again. */
    static final class Overrun extends NetworkException {
        private static final long serialVersionUID = 1L;

        Overrun() {
            super("rtnetlink notifications were lost (ENOBUFS)");
        }
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final byte[] receive = new byte[65536];

    RtnetlinkEvents(int timeoutMillis) throws NetworkException {
        fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw new NetworkException("cannot open a netlink socket for notifications: " + LibC.describe(LibC.errno()));
        }
        byte[] local = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_NETLINK).putShort((short) 0).putInt(0)
                .putInt(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR).array();
        ByteBuffer timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        timeout.putLong(timeoutMillis / 1000).putLong((timeoutMillis % 1000) * 1000L);
        byte[] size = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(RECEIVE_BUFFER).array();
        if (libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, size, 4) < 0
                || libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout.array(), 16) < 0
                || libc.bind(fd, local, local.length) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw new NetworkException("cannot subscribe to rtnetlink notifications: " + LibC.describe(errno));
        }
    }

    /**
     * Waits up to the timeout for one datagram of notifications.
     *
     * @return its events, in the kernel's order; empty when nothing came in time
     * @throws Overrun when the kernel dropped notifications since the last read
     */
    List<Event> receive() throws NetworkException {
        long n = libc.recv(fd, receive, receive.length, 0);
        if (n < 0) {
            int errno = LibC.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return List.of();
            }
            if (errno == Errno.ENOBUFS) {
                throw new Overrun();
            }
            throw new NetworkException("reading rtnetlink notifications failed: " + LibC.describe(errno));
        }
        List<Event> events = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(receive, 0, (int) n).order(ByteOrder.nativeOrder());
        int pos = 0;
        while (pos + 16 <= n) {
            int len = b.getInt(pos);
            if (len < 16 || pos + len > n) {
                break; // malformed; the rest of the datagram cannot be framed
            }
            int type = b.getShort(pos + 4) & 0xFFFF;
            byte[] copy = new byte[len];
            System.arraycopy(receive, pos, copy, 0, len);
            ByteBuffer m = ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder());
            if ((type == Rtnetlink.RTM_NEWLINK || type == Rtnetlink.RTM_DELLINK) && len >= 32) {
                events.add(new LinkEvent(Rtnetlink.parseLink(m, null), type == Rtnetlink.RTM_DELLINK));
            } else if ((type == Rtnetlink.RTM_NEWADDR || type == Rtnetlink.RTM_DELADDR) && len >= 24) {
                Rtnetlink.AddressMessage a = Rtnetlink.parseAddress(m);
                if (a != null) {
                    events.add(new AddressEvent(a.index(), a.present().address(), type == Rtnetlink.RTM_DELADDR));
                }
            }
            pos += (len + 3) & ~3;
        }
        return events;
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
