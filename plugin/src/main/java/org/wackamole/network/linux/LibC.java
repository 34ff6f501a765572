package org.wackamole.network.linux;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls the JDK does not offer (jnr-posix has none of the socket calls): raw netlink,
 * packet and ICMPv6 sockets, and {@code setns} for tests that enter a network namespace.
 */
public interface LibC {
    int AF_INET6 = 10;
    int AF_NETLINK = 16;
    int AF_PACKET = 17;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int IPPROTO_ICMPV6 = 58;
    int IPPROTO_IPV6 = 41;
    int IPV6_UNICAST_HOPS = 16;
    int IPV6_MULTICAST_IF = 17;
    int IPV6_MULTICAST_HOPS = 18;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVTIMEO = 20;
    int CLONE_NEWNET = 0x40000000;

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    @ssize_t long sendto(int fd, @In byte[] buffer, @size_t long length, int flags, @In byte[] address, int addressLength);

    @ssize_t long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

    int setsockopt(int fd, int level, int option, @In byte[] value, int length);

    int close(int fd);

    int setns(int fd, int nstype);

    String strerror(int errno);

    /** Loaded once; loading extracts jffi's native stub into {@code java.io.tmpdir} (see {@code jffi.extract.dir}). */
    final class Holder {
        static final LibC INSTANCE = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");

        private Holder() {
        }
    }

    static LibC get() {
        return Holder.INSTANCE;
    }

    static int errno() {
        return LastError.getLastError(Runtime.getRuntime(get()));
    }

    /** "EPERM (Operation not permitted)" style text for an errno value. */
    static String describe(int errno) {
        String name = Errno.name(errno);
        return (name == null ? "errno " + errno : name) + " (" + get().strerror(errno) + ")";
    }
}
