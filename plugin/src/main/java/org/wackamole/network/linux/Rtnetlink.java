package org.wackamole.network.linux;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.wackamole.config.VipAddress;
import org.wackamole.network.NetworkException;

/**
 * Addresses and links through an {@code AF_NETLINK/NETLINK_ROUTE} socket: RTM_NEWADDR, RTM_DELADDR,
 * RTM_GETADDR (dump) and RTM_GETLINK. One request at a time, each acknowledged by the kernel.
 * The socket belongs to the network namespace of the thread that opened it.
 */
final class Rtnetlink implements AutoCloseable {
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    private static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    private static final int RTM_GETADDR = 22;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int NLM_F_DUMP = 0x300;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_LABEL = 3;
    private static final int IFA_FLAGS = 8;
    private static final int IFA_F_NODAD = 0x02;
    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFF_UP = 0x1;
    private static final int IFF_LOWER_UP = 0x10000;
    private static final int RECEIVE_TIMEOUT_SECONDS = 2;

    /** An interface as the kernel knows it; {@code flags} are the {@code IFF_*} bits of {@code ifinfomsg}. */
    record Link(String name, int index, byte[] mac, int flags) {
        /** Administratively up (it may still lack carrier). */
        boolean up() {
            return (flags & IFF_UP) != 0;
        }

        /** Administratively up and with carrier: an address here can be reached. */
        boolean usable() {
            return (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0;
        }

        /** Why it is not usable, for messages. */
        String state() {
            return (flags & IFF_UP) == 0 ? "down" : (flags & IFF_LOWER_UP) == 0 ? "up but without carrier" : "up";
        }
    }

    /** An address message (a dump entry or a notification): the interface index and the address. */
    record AddressMessage(int index, Present present) {
    }

    /** An address present on an interface. */
    record Present(InetAddress address, int prefixLength, String label) {
    }

    private final LibC libc = LibC.get();
    private final int fd;
    private final byte[] receive = new byte[65536];
    private int seq;

    Rtnetlink() throws NetworkException {
        fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw new NetworkException("cannot open a netlink socket: " + LibC.describe(LibC.errno()));
        }
        byte[] local = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_NETLINK).array();
        ByteBuffer timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        timeout.putLong(RECEIVE_TIMEOUT_SECONDS).putLong(0);
        if (libc.bind(fd, local, local.length) < 0
                || libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout.array(), 16) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw new NetworkException("cannot set up the netlink socket: " + LibC.describe(errno));
        }
    }

    synchronized Link link(String name) throws NetworkException {
        Message m = new Message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, ++seq);
        m.buf.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0); // ifinfomsg
        m.attribute(IFLA_IFNAME, nulTerminated(name));
        List<ByteBuffer> replies = exchange(m, "look up interface " + name);
        for (ByteBuffer r : replies) {
            if (r.getShort(4) == RTM_NEWLINK) {
                return parseLink(r, name);
            }
        }
        throw new NetworkException("interface " + name + ": the kernel returned no link");
    }

    /**
     * Adds the address; an address already there is fine.
     *
     * @return true if the kernel added it, false if it was there already
     */
    synchronized boolean add(Link link, VipAddress a) throws NetworkException {
        Message m = new Message(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ++seq);
        ifaddrmsg(m, link, a);
        byte[] bytes = a.address().getAddress();
        m.attribute(IFA_LOCAL, bytes);
        m.attribute(IFA_ADDRESS, bytes);
        if (a.isIpv4()) {
            String label = label(link.name());
            if (label != null) {
                m.attribute(IFA_LABEL, nulTerminated(label));
            }
        } else {
            // No duplicate address detection: the cluster already guarantees a single holder, and a
            // tentative address would answer nobody for about a second after the move.
            m.attribute(IFA_FLAGS, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(IFA_F_NODAD).array());
        }
        try {
            exchange(m, "add " + a.addressText() + "/" + a.prefixLength() + " to " + link.name());
            return true;
        } catch (KernelError e) {
            if (e.errno != Errno.EEXIST) {
                throw e;
            }
            return false;
        }
    }

    /** Removes the address; an address already gone is fine, and so is an interface gone (its addresses went with it). */
    synchronized void delete(Link link, VipAddress a) throws NetworkException {
        Message m = new Message(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, ++seq);
        ifaddrmsg(m, link, a);
        byte[] bytes = a.address().getAddress();
        m.attribute(IFA_LOCAL, bytes);
        m.attribute(IFA_ADDRESS, bytes);
        try {
            exchange(m, "remove " + a.addressText() + "/" + a.prefixLength() + " from " + link.name());
        } catch (KernelError e) {
            if (e.errno != Errno.EADDRNOTAVAIL && e.errno != Errno.ENOENT && e.errno != Errno.ENODEV) {
                throw e;
            }
        }
    }

    /** Every address on the interface, IPv4 and IPv6. */
    synchronized List<Present> addresses(Link link) throws NetworkException {
        List<Present> result = new ArrayList<>();
        for (AddressMessage parsed : dumpAddresses("list the addresses of " + link.name())) {
            if (parsed.index() == link.index()) {
                result.add(parsed.present());
            }
        }
        return result;
    }

    /** Every address on every interface of this namespace, IPv4 and IPv6. */
    synchronized List<AddressMessage> allAddresses() throws NetworkException {
        return dumpAddresses("list the addresses");
    }

    private List<AddressMessage> dumpAddresses(String what) throws NetworkException {
        Message m = new Message(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, ++seq);
        m.buf.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0); // ifaddrmsg, AF_UNSPEC
        List<AddressMessage> result = new ArrayList<>();
        for (ByteBuffer r : exchange(m, what)) {
            if (r.getShort(4) != RTM_NEWADDR) {
                continue;
            }
            AddressMessage parsed = parseAddress(r);
            if (parsed != null) {
                result.add(parsed);
            }
        }
        return result;
    }

    @Override
    public synchronized void close() {
        libc.close(fd);
    }

    /** An RTM_NEWLINK/RTM_DELLINK message; {@code fallbackName} when it carries no IFLA_IFNAME. */
    static Link parseLink(ByteBuffer r, String fallbackName) {
        int index = r.getInt(16 + 4);
        int flags = r.getInt(16 + 8);
        byte[] mac = null;
        String ifname = fallbackName;
        for (int[] a : attributes(r, 16 + 16)) {
            if (a[0] == IFLA_ADDRESS) {
                mac = new byte[a[2]];
                r.get(a[1], mac);
            } else if (a[0] == IFLA_IFNAME) {
                byte[] raw = new byte[a[2]];
                r.get(a[1], raw);
                ifname = cString(raw);
            }
        }
        return new Link(ifname, index, mac, flags);
    }

    /** An RTM_NEWADDR/RTM_DELADDR message, or null when it carries no address. */
    static AddressMessage parseAddress(ByteBuffer r) {
        int prefix = r.get(16 + 1) & 0xFF;
        int index = r.getInt(16 + 4);
        byte[] local = null;
        byte[] address = null;
        String label = null;
        for (int[] a : attributes(r, 16 + 8)) {
            byte[] value = new byte[a[2]];
            r.get(a[1], value);
            switch (a[0]) {
                case IFA_LOCAL -> local = value;
                case IFA_ADDRESS -> address = value;
                case IFA_LABEL -> label = cString(value);
                default -> {
                }
            }
        }
        // IPv4 puts our address in IFA_LOCAL (IFA_ADDRESS is the peer on point-to-point links); IPv6 only has IFA_ADDRESS.
        byte[] chosen = local != null ? local : address;
        if (chosen == null) {
            return null;
        }
        try {
            return new AddressMessage(index, new Present(InetAddress.getByAddress(chosen), prefix, label));
        } catch (UnknownHostException e) {
            return null; // a length the kernel would not send
        }
    }

    /** "eth0:wm" marks our IPv4 addresses in `ip addr`; labels must start with the device name and fit 15 bytes. */
    static String label(String ifname) {
        String label = ifname + ":wm";
        return label.length() <= 15 ? label : null;
    }

    private static void ifaddrmsg(Message m, Link link, VipAddress a) {
        m.buf.put((byte) (a.isIpv4() ? 2 : LibC.AF_INET6))
                .put((byte) a.prefixLength())
                .put((byte) (a.isIpv4() ? 0 : IFA_F_NODAD))
                .put((byte) 0) // RT_SCOPE_UNIVERSE
                .putInt(link.index());
    }

    /** Sends one request and collects the answers until NLMSG_DONE (a dump) or the ACK (anything else). */
    private List<ByteBuffer> exchange(Message m, String what) throws NetworkException {
        byte[] request = m.finish();
        byte[] kernel = new byte[12];
        ByteBuffer.wrap(kernel).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_NETLINK);
        if (libc.sendto(fd, request, request.length, 0, kernel, kernel.length) < 0) {
            throw new NetworkException("cannot " + what + ": sending to netlink failed: " + LibC.describe(LibC.errno()));
        }
        List<ByteBuffer> replies = new ArrayList<>();
        // Bounded: a dump of a few thousand addresses fits in a handful of datagrams.
        for (int datagrams = 0; datagrams < 10_000; datagrams++) {
            long n = libc.recv(fd, receive, receive.length, 0);
            if (n < 0) {
                int errno = LibC.errno();
                throw new NetworkException("cannot " + what + ": no answer from the kernel: " + LibC.describe(errno));
            }
            ByteBuffer b = ByteBuffer.wrap(receive, 0, (int) n).order(ByteOrder.nativeOrder());
            int pos = 0;
            while (pos + 16 <= n) {
                int len = b.getInt(pos);
                int type = b.getShort(pos + 4) & 0xFFFF;
                int replySeq = b.getInt(pos + 8);
                if (len < 16 || pos + len > n) {
                    throw new NetworkException("cannot " + what + ": malformed netlink answer");
                }
                if (replySeq == m.seq) {
                    if (type == NLMSG_ERROR) {
                        int error = -b.getInt(pos + 16);
                        if (error != 0) {
                            throw new KernelError(error, "cannot " + what + ": " + LibC.describe(error));
                        }
                        return replies; // the ACK
                    }
                    if (type == NLMSG_DONE) {
                        return replies;
                    }
                    byte[] copy = new byte[len];
                    System.arraycopy(receive, pos, copy, 0, len);
                    replies.add(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
                }
                pos += align(len);
            }
        }
        throw new NetworkException("cannot " + what + ": the kernel's answer did not end");
    }

    /** Attributes from {@code offset} on, as {type, value offset, value length}. */
    private static List<int[]> attributes(ByteBuffer r, int offset) {
        List<int[]> list = new ArrayList<>();
        int end = r.getInt(0);
        int pos = offset;
        while (pos + 4 <= end) {
            int len = r.getShort(pos) & 0xFFFF;
            int type = r.getShort(pos + 2) & 0x3FFF;
            if (len < 4 || pos + len > end) {
                break;
            }
            list.add(new int[] {type, pos + 4, len - 4});
            pos += align(len);
        }
        return list;
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    private static byte[] nulTerminated(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    private static String cString(byte[] raw) {
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
            n++;
        }
        return new String(raw, 0, n, StandardCharsets.US_ASCII);
    }

    /** A netlink request under construction; the header's length is filled in by {@link #finish()}. */
    private static final class Message {
        final ByteBuffer buf = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        final int seq;

        Message(int type, int flags, int seq) {
            this.seq = seq;
            buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        }

        void attribute(int type, byte[] value) {
            buf.putShort((short) (4 + value.length)).putShort((short) type).put(value);
            while (buf.position() % 4 != 0) {
                buf.put((byte) 0);
            }
        }

        byte[] finish() {
            buf.putInt(0, buf.position());
            byte[] out = new byte[buf.position()];
            buf.get(0, out);
            return out;
        }
    }

    /** The kernel said no; {@link #errno} tells why. */
    static final class KernelError extends NetworkException {
        private static final long serialVersionUID = 1L;
        final int errno;

        KernelError(int errno, String message) {
            super(message);
            this.errno = errno;
        }
    }
}
