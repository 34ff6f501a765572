package org.wackamole.it.outside;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.wackamole.network.linux.LibC;

/**
 * What one host's kernel has, read with two rtnetlink dumps (RTM_GETLINK, RTM_GETADDR) on a socket
 * of the calling thread's network namespace: every address on every interface (the kernel answers
 * ARP for any of them, so a VIP on the wrong interface still counts) and whether one interface is
 * up with carrier. No process per sample: a dump costs tens of microseconds.
 */
final class NetlinkDump implements AutoCloseable {
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_GETADDR = 22;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFLA_IFNAME = 3;
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOWER_UP = 0x10000;

    /** One dump: the addresses present and whether the watched interface carries traffic. */
    record Snapshot(List<InetAddress> addresses, boolean linkUp) {
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final byte[] receive = new byte[65536];
    private int seq;

    NetlinkDump() throws IOException {
        fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw new IOException("cannot open a netlink socket: " + LibC.describe(LibC.errno()));
        }
        byte[] local = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_NETLINK).array();
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(1).putLong(0).array();
        if (libc.bind(fd, local, local.length) < 0 || libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, 16) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw new IOException("cannot set up the netlink socket: " + LibC.describe(errno));
        }
    }

    /** Both dumps; {@code ifname} is the interface whose state matters (absent: down). */
    Snapshot snapshot(String ifname) throws IOException {
        boolean[] up = {false};
        dump(RTM_GETLINK, 16, r -> {
            int flags = r.getInt(16 + 8);
            for (int[] a : attributes(r, 16 + 16)) {
                if (a[0] == IFLA_IFNAME && ifname.equals(cString(r, a[1], a[2]))) {
                    up[0] = (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0;
                }
            }
        });
        List<InetAddress> addresses = new ArrayList<>();
        dump(RTM_GETADDR, 8, r -> {
            byte[] chosen = null;
            for (int[] a : attributes(r, 16 + 8)) {
                if (a[0] == IFA_LOCAL || (a[0] == IFA_ADDRESS && chosen == null)) {
                    chosen = new byte[a[2]];
                    r.get(a[1], chosen);
                }
            }
            if (chosen != null) {
                try {
                    addresses.add(InetAddress.getByAddress(chosen));
                } catch (UnknownHostException e) {
                    // a length the kernel does not send
                }
            }
        });
        return new Snapshot(addresses, up[0]);
    }

    private void dump(int type, int bodyLength, Consumer<ByteBuffer> each) throws IOException {
        int mySeq = ++seq;
        ByteBuffer m = ByteBuffer.allocate(16 + bodyLength).order(ByteOrder.nativeOrder());
        m.putInt(16 + bodyLength).putShort((short) type).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(mySeq).putInt(0);
        byte[] request = m.array(); // body all zero: AF_UNSPEC, every interface
        byte[] kernel = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_NETLINK).array();
        if (libc.sendto(fd, request, request.length, 0, kernel, kernel.length) < 0) {
            throw new IOException("netlink dump request failed: " + LibC.describe(LibC.errno()));
        }
        int expected = type == RTM_GETLINK ? RTM_NEWLINK : RTM_NEWADDR;
        // Bounded: a host here has a handful of interfaces and addresses.
        for (int datagrams = 0; datagrams < 1000; datagrams++) {
            long n = libc.recv(fd, receive, receive.length, 0);
            if (n < 0) {
                throw new IOException("netlink dump: no answer: " + LibC.describe(LibC.errno()));
            }
            ByteBuffer b = ByteBuffer.wrap(receive, 0, (int) n).order(ByteOrder.nativeOrder());
            int pos = 0;
            while (pos + 16 <= n) {
                int len = b.getInt(pos);
                int t = b.getShort(pos + 4) & 0xFFFF;
                if (len < 16 || pos + len > n) {
                    throw new IOException("malformed netlink answer");
                }
                if (b.getInt(pos + 8) == mySeq) {
                    if (t == NLMSG_DONE) {
                        return;
                    }
                    if (t == NLMSG_ERROR) {
                        throw new IOException("netlink dump refused: errno " + -b.getInt(pos + 16));
                    }
                    if (t == expected) {
                        each.accept(b.slice(pos, len).order(ByteOrder.nativeOrder()));
                    }
                }
                pos += (len + 3) & ~3;
            }
        }
        throw new IOException("netlink dump did not end");
    }

    private static List<int[]> attributes(ByteBuffer r, int offset) {
        List<int[]> list = new ArrayList<>();
        int end = r.getInt(0);
        int pos = offset;
        while (pos + 4 <= end) {
            int len = r.getShort(pos) & 0xFFFF;
            if (len < 4 || pos + len > end) {
                break;
            }
            list.add(new int[] {r.getShort(pos + 2) & 0x3FFF, pos + 4, len - 4});
            pos += (len + 3) & ~3;
        }
        return list;
    }

    private static String cString(ByteBuffer r, int offset, int length) {
        int n = 0;
        while (n < length && r.get(offset + n) != 0) {
            n++;
        }
        byte[] raw = new byte[n];
        r.get(offset, raw);
        return new String(raw, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
