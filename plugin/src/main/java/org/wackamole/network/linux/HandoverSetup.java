package org.wackamole.network.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Whether this host can hand a VIP over make-before-break: the new holder puts the address on
 * {@code lo} first, where it accepts traffic but must answer no ARP. Linux answers ARP for any local
 * address on any interface unless {@code arp_ignore} is at least 1 on the interface asked (the
 * larger of {@code conf/all} and {@code conf/IFACE} counts), and with {@code arp_announce} below 2 it
 * may use that address as the source of its own ARP requests, which would announce it early. IPv6
 * needs nothing: Linux answers a neighbour solicitation only for addresses on the interface asked.
 * Read once; we never write the settings (that needs root: the systemd unit does it).
 */
final class HandoverSetup {
    private HandoverSetup() {
    }

    /**
     * @param interfaces the pool's interfaces that carry IPv4 addresses
     * @param sysctl     reads a setting such as {@code net/ipv4/conf/all/arp_ignore}; null when unreadable
     * @return what is missing, one setting per entry; empty when the host is set up
     */
    static List<String> missing(Collection<String> interfaces, Function<String, String> sysctl) {
        List<String> missing = new ArrayList<>();
        for (String iface : interfaces) {
            check(missing, sysctl, iface, "arp_ignore", 1);
            check(missing, sysctl, iface, "arp_announce", 2);
        }
        return missing;
    }

    private static void check(List<String> missing, Function<String, String> sysctl, String iface, String name, int least) {
        Integer all = number(sysctl.apply("net/ipv4/conf/all/" + name));
        Integer own = number(sysctl.apply("net/ipv4/conf/" + iface + "/" + name));
        if (all == null && own == null) {
            missing.add("net.ipv4.conf." + iface + "." + name + " is unreadable (needs " + least + ")");
        } else if (Math.max(all == null ? 0 : all, own == null ? 0 : own) < least) {
            missing.add("net.ipv4.conf." + iface + "." + name + "=" + (own == null ? "?" : own) + " and net.ipv4.conf.all."
                    + name + "=" + (all == null ? "?" : all) + " (needs " + least + " in one of them)");
        }
    }

    private static Integer number(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The calling thread's network namespace's setting, read from {@code /proc/sys}; null when unreadable. */
    static String procSys(String key) {
        try {
            return Files.readString(Path.of("/proc/sys", key));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
