package org.wackamole.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.wackamole.cluster.LocalDemo;

/**
 * The README's demo: a three-node Jetty farm in network namespaces on this machine, a live table
 * (VIP, holder by the members' MBeans, who answers the client, the client's neighbour entry), one
 * node killed and restarted, everything cleaned up on exit or Ctrl-C. Without root it runs the
 * same three members inside one JVM on the in-memory network and shows the same table.
 */
public final class FarmDemo {
    public static void main(String[] args) throws Exception {
        String why = Boolean.getBoolean("wackamole.demo.local") ? "-Dwackamole.demo.local=true" : JettyFarm.whyUnavailable();
        if (why != null) {
            System.out.println("Not running the namespace farm: " + why + ".");
            System.out.println("Running the same three members inside this JVM on the in-memory network instead.\n");
            LocalDemo.run();
            System.exit(0);
        }
        Path work = Files.createTempDirectory("wackamole-demo");
        try (JettyFarm farm = new JettyFarm(work, "wackamole-udp.xml")) {
            Runtime.getRuntime().addShutdownHook(new Thread(farm::close, "demo-cleanup"));
            System.out.println("Starting h1, h2, h3 (Jetty " + System.getProperty("jetty.home").replaceAll(".*jetty-home-", "")
                    + " + wackamole) in network namespaces; the client is c.");
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            show(farm, "all three running", 6);
            System.out.println("\n>>> kill -9 h2\n");
            farm.kill("h2");
            show(farm, "h2 killed", 5);
            System.out.println("\n>>> restarting h2\n");
            farm.start("h2");
            show(farm, "h2 back", 6);
        }
        System.out.println("\nCleaned up: Jetty processes stopped, namespaces deleted.");
        System.exit(0);
    }

    private static void show(JettyFarm farm, String title, int seconds) throws Exception {
        for (int i = 0; i < seconds; i++) {
            Map<String, String> byMBean = new TreeMap<>();
            for (String h : JettyFarm.HOSTS) {
                JettyFarm.HostStatus st = farm.running(h) ? farm.status(h) : null;
                if (st != null) {
                    st.held().forEach(v -> byMBean.merge(v, h, (a, b) -> a + "+" + b));
                }
            }
            Map<String, String> answers = farm.answers();
            System.out.printf(Locale.ROOT, "%n[%s, t=%ds]%n%-16s %-10s %-14s %s%n", title, i, "VIP", "MBeans", "client sees", "client's MAC for it");
            for (String vip : JettyFarm.VIPS) {
                String mac = farm.clientNeighbour(vip);
                String macHost = JettyFarm.HOSTS.stream().filter(h -> {
                    try {
                        return farm.mac(h).equals(mac);
                    } catch (Exception e) {
                        return false;
                    }
                }).findFirst().orElse(mac.isEmpty() ? "-" : mac);
                System.out.printf(Locale.ROOT, "%-16s %-10s %-14s %s%n", vip, byMBean.getOrDefault(vip, "-"),
                        answers.get(vip) == null ? "(no answer)" : answers.get(vip), macHost);
            }
            Thread.sleep(1000);
        }
    }
}
