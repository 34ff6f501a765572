package org.wackamole.network.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

/**
 * Adds, announces and removes 1,000 addresses (200 IPv4 from 203.0.113.0/24, 800 IPv6 from
 * 2001:db8::/64) on a veth in a network namespace this program creates and deletes, first through
 * {@link LinuxNetwork} (rtnetlink + gratuitous ARP / neighbour advertisement), then with one
 * {@code ip -n NS addr add|del} process per address, and prints the time per operation. Root only.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Dmain=org.wackamole.network.linux.AddressBenchmark}
 */
public final class AddressBenchmark {
    public static void main(String[] args) throws Exception {
        String why = TestNetwork.whyUnavailable();
        if (why != null) {
            System.err.println("skipped: " + why);
            System.exit(1);
        }
        List<VipGroup> groups = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            java.net.InetAddress a = i < 200
                    ? java.net.InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) (i + 1)})
                    : java.net.InetAddress.getByName("2001:db8::1:" + Integer.toHexString(i));
            groups.add(new VipGroup(List.of(new VipAddress("veth0", a, i < 200 ? 32 : 128))));
        }
        NetworkSettings once = NetworkSettings.oneShot();
        try (TestNetwork net = new TestNetwork("h", "peer")) {
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT
                long[] t = net.inNamespace("h", () -> {
                    try (LinuxNetwork n = LinuxNetwork.open(once)) {
                        long start = System.nanoTime();
                        for (VipGroup g : groups.subList(0, 200)) {
                            n.acquire(g);
                        }
                        long v4 = System.nanoTime();
                        for (VipGroup g : groups.subList(200, groups.size())) {
                            n.acquire(g);
                        }
                        long added = System.nanoTime();
                        for (VipGroup g : groups) {
                            n.release(g);
                        }
                        return new long[] {added - start, System.nanoTime() - added, v4 - start, added - v4};
                    }
                });
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "rtnetlink: add+announce %.1f us/address (IPv4 %.1f, IPv6 %.1f), remove %.1f us/address%n",
                            t[0] / 1e3 / groups.size(), t[2] / 1e3 / 200, t[3] / 1e3 / 800, t[1] / 1e3 / groups.size());
                }
            }
            String ns = net.ns("h");
            long start = System.nanoTime();
            long v4 = 0;
            for (VipGroup g : groups) {
                VipAddress a = g.addresses().get(0);
                TestNetwork.run(null, "ip", "-n", ns, "addr", "add", a.addressText() + "/" + a.prefixLength(), "dev", "veth0");
                if (g == groups.get(199)) {
                    v4 = System.nanoTime();
                }
            }
            long added = System.nanoTime();
            for (VipGroup g : groups) {
                VipAddress a = g.addresses().get(0);
                TestNetwork.run(null, "ip", "-n", ns, "addr", "del", a.addressText() + "/" + a.prefixLength(), "dev", "veth0");
            }
            long removed = System.nanoTime();
            System.out.printf(Locale.ROOT, "ip processes: add %.1f us/address (IPv4 %.1f, IPv6 %.1f; no announcement), remove %.1f us/address%n",
                    (added - start) / 1e3 / groups.size(), (v4 - start) / 1e3 / 200, (added - v4) / 1e3 / 800,
                    (removed - added) / 1e3 / groups.size());
        }
        System.exit(0);
    }
}
