package org.wackamole.network.linux;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;

/**
 * How long a held address stays absent after someone else deletes it: a second rtnetlink socket in
 * the holder's namespace deletes it, then lists the addresses every 0.1 ms until it is back. First
 * with the watchdog on notifications (200 deletes), then with the poll alone at the default 2 s
 * (5 deletes), for comparison. In a namespace this program creates and deletes. Root only.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Dmain=org.wackamole.network.linux.WatchdogBenchmark}
 */
public final class WatchdogBenchmark {
    public static void main(String[] args) throws Exception {
        String why = TestNetwork.whyUnavailable();
        if (why != null) {
            System.err.println("skipped: " + why);
            System.exit(1);
        }
        VipAddress vip = new VipAddress("veth0", InetAddress.getByName("198.51.100.10"), 32);
        VipGroup group = new VipGroup(List.of(vip));
        try (TestNetwork net = new TestNetwork("h", "peer")) {
            report("notifications", measure(net, group, true, 200));
            report("poll every 2 s only", measure(net, group, false, 5));
        }
        System.exit(0);
    }

    private static List<Double> measure(TestNetwork net, VipGroup group, boolean notifications, int deletes) throws Exception {
        NetworkSettings settings = new NetworkSettings(true, 1, Duration.ofSeconds(1), Duration.ZERO, List.of(), 200,
                Duration.ofSeconds(2));
        LinuxNetwork holder = net.inNamespace("h", () -> LinuxNetwork.open(settings, notifications));
        try (Rtnetlink other = net.inNamespace("h", Rtnetlink::new)) {
            holder.acquire(group);
            Rtnetlink.Link link = other.link("veth0");
            VipAddress a = group.addresses().get(0);
            List<Double> absent = new ArrayList<>();
            for (int i = 0; i < deletes; i++) {
                long deleted = System.nanoTime();
                other.delete(link, a);
                long deadline = deleted + TimeUnit.SECONDS.toNanos(10);
                while (other.addresses(link).stream().noneMatch(p -> p.address().equals(a.address()))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not put back within 10 s");
                    }
                    LockSupport.parkNanos(100_000);
                }
                absent.add((System.nanoTime() - deleted) / 1e6);
                Thread.sleep(20);
            }
            return absent;
        } finally {
            holder.close();
        }
    }

    private static void report(String how, List<Double> absent) {
        List<Double> s = absent.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "%s: address absent after a delete, over %d: min %.2f ms, median %.2f ms, "
                        + "p90 %.2f ms, max %.2f ms%n",
                how, s.size(), s.get(0), s.get(s.size() / 2), s.get((int) (s.size() * 0.9)), s.get(s.size() - 1));
    }
}
