package org.wackamole.network.linux;

import java.net.InetAddress;
import java.util.List;
import org.wackamole.network.NetworkException;

/**
 * For tests that judge from outside (the farm's address watchers): what the kernel of the calling
 * thread's network namespace has, read through the product's own rtnetlink code (one socket, two
 * requests, no process) instead of a second parser. Every address on every interface counts: the
 * kernel answers ARP for any of them, so a VIP on the wrong interface is still held.
 */
public final class KernelAddresses implements AutoCloseable {
    /** One reading: the addresses present, and whether the interface asked about is up with carrier (absent: not). */
    public record Snapshot(List<InetAddress> addresses, boolean linkUp) {
    }

    private final Rtnetlink netlink;

    /** Opens the socket in the calling thread's namespace; later reads may come from any thread. */
    public KernelAddresses() throws NetworkException {
        netlink = new Rtnetlink();
    }

    public Snapshot snapshot(String ifname) throws NetworkException {
        boolean up;
        try {
            up = netlink.link(ifname).usable();
        } catch (Rtnetlink.KernelError e) {
            if (e.errno != Errno.ENODEV) {
                throw e;
            }
            up = false; // deleted, maybe being re-created
        }
        return new Snapshot(netlink.allAddresses().stream().map(a -> a.present().address()).toList(), up);
    }

    @Override
    public void close() {
        netlink.close();
    }
}
