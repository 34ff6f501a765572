package org.wackamole.network.linux;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wackamole.config.IniSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.NetworkException;

/**
 * Removes every pool address of an ini file from this host, by hand ({@code wackatrl cleanup}), so
 * that a server killed with SIGKILL, which runs no shutdown hook, leaves no VIP behind to answer ARP.
 * {@code java -cp "$JETTY_BASE/lib/wackamole/*" org.wackamole.network.linux.Cleanup $JETTY_BASE/start.d/wackamole.ini}
 * The systemd units do not start a JVM for that: their {@code ExecStopPost} runs {@code ip -force -batch}
 * on the member's own {@link CleanupBatch} file ({@code wackamole.cleanup.file}).
 *
 * <p>It runs while the VIPs may still answer, so it starts as little as it can: the configuration
 * parser and one rtnetlink socket, no logging framework (the class path needs only
 * {@code lib/wackamole}), no ARP sockets, no threads. Needs {@code CAP_NET_ADMIN}.
 */
public final class Cleanup {
    private Cleanup() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Cleanup <wackamole.ini>");
            System.exit(64);
        }
        // jnr-ffi's reflective binding loads several times faster than generating bytecode, and a
        // one-shot tool makes only a handful of calls.
        if (System.getProperty("jnr.ffi.asm.enabled") == null) {
            System.setProperty("jnr.ffi.asm.enabled", "false");
        }
        try {
            List<VipAddress> removed = run(Path.of(args[0]));
            System.out.println(removed.isEmpty() ? "no VIP of the pool was on this host" : "removed " + removed);
        } catch (Exception e) {
            System.err.println("cleanup failed: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Removes the pool's addresses found on their interfaces or on lo; an interface that does not exist has none. */
    static List<VipAddress> run(Path ini) throws Exception {
        WackamoleConfig config = WackamoleConfig.parse(IniSettings.parse(Files.readString(ini)), () -> "cleanup");
        List<VipAddress> removed = new ArrayList<>();
        try (Rtnetlink netlink = new Rtnetlink()) {
            Map<String, Rtnetlink.Link> links = new HashMap<>();
            Map<String, List<InetAddress>> present = new HashMap<>();
            for (VipGroup g : config.groups()) {
                for (VipAddress a : g.addresses()) {
                    String name = a.interfaceName();
                    if (!present.containsKey(name)) {
                        Rtnetlink.Link link = lookup(netlink, name);
                        links.put(name, link);
                        present.put(name, link == null ? List.of()
                                : netlink.addresses(link).stream().map(Rtnetlink.Present::address).toList());
                    }
                    if (present.get(name).contains(a.address())) {
                        delete(netlink, links.get(name), a);
                        removed.add(a);
                    }
                }
            }
            // A run killed in the middle of a hand-over leaves the new holder's copy on lo (host prefix).
            Rtnetlink.Link lo = lookup(netlink, "lo");
            List<InetAddress> onLo = lo == null ? List.of() : netlink.addresses(lo).stream().map(Rtnetlink.Present::address).toList();
            for (VipGroup g : config.groups()) {
                for (VipAddress a : g.addresses()) {
                    if (onLo.contains(a.address())) {
                        VipAddress copy = new VipAddress("lo", a.address(), a.isIpv4() ? 32 : 128);
                        delete(netlink, lo, copy);
                        removed.add(copy);
                    }
                }
            }
        }
        return removed;
    }

    private static Rtnetlink.Link lookup(Rtnetlink netlink, String name) throws NetworkException {
        try {
            return netlink.link(name);
        } catch (Rtnetlink.KernelError e) {
            if (e.errno == Errno.ENODEV) {
                return null;
            }
            throw e;
        }
    }

    private static void delete(Rtnetlink netlink, Rtnetlink.Link link, VipAddress a) throws NetworkException {
        try {
            netlink.delete(link, a);
        } catch (Rtnetlink.KernelError e) {
            if (e.errno == Errno.EPERM) {
                throw new NetworkException(e.getMessage() + "; removing addresses needs CAP_NET_ADMIN "
                        + "(systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW, as in the service's unit)", e);
            }
            throw e;
        }
    }
}
