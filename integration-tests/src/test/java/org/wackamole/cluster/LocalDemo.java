package org.wackamole.cluster;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The demo without root: the same three members in one JVM (SHARED_LOOPBACK, recording network). */
public final class LocalDemo {
    private LocalDemo() {
    }

    public static void run() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(4, Map.of("wackamole.mature", "1s"))) {
            Runtime.getRuntime().addShutdownHook(new Thread(farm::close, "demo-cleanup"));
            for (int i = 1; i <= 3; i++) {
                farm.start("h" + i, "wackamole.prefer", farm.pool.get(i - 1));
            }
            show(farm, "all three running", 4);
            System.out.println("\n>>> crash h2\n");
            farm.kill("h2");
            show(farm, "h2 crashed", 4);
            System.out.println("\n>>> restarting h2\n");
            farm.nodes.remove("h2");
            farm.start("h2", "wackamole.prefer", farm.pool.get(1));
            show(farm, "h2 back", 4);
            farm.awaitSettled(Duration.ofSeconds(10));
        }
    }

    private static void show(InJvmFarm farm, String title, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds; i++) {
            Map<String, String> holders = new TreeMap<>();
            farm.holdings().forEach((node, groups) -> groups.forEach(g -> holders.merge(g, node, (a, b) -> a + "+" + b)));
            System.out.printf(Locale.ROOT, "%n[%s, t=%ds]%n%-16s %-10s %s%n", title, i, "VIP", "holder", "state of members");
            for (String vip : farm.pool) {
                System.out.printf(Locale.ROOT, "%-16s %-10s%n", vip, holders.getOrDefault(vip, "-"));
            }
            farm.live().forEach(n -> System.out.printf(Locale.ROOT, "%26s %s: %s%n", "", n.name, n.member.status().state()));
            Thread.sleep(1000);
        }
    }
}
