package org.wackamole.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.wackamole.cluster.LocalDemo;

/**
 * The README's demo: a three-node Jetty farm in network namespaces on this machine. Interactive by
 * default ({@link InteractiveDemo}: a live table and commands); {@code --tour} is the scripted
 * version (one node killed and restarted). Everything is cleaned up on quit, Ctrl-C and errors.
 * Without root it says why and runs the same three members inside one JVM on the in-memory network.
 */
public final class FarmDemo {
    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        boolean tour = options.contains("--tour");
        boolean local = options.contains("--local") || Boolean.getBoolean("wackamole.demo.local");
        String why = local ? "" : JettyFarm.whyUnavailable();
        if (why != null) {
            System.out.println(local ? "You asked for --local." : inUserTerms(why));
            System.out.println("Running the same three members inside this one Java process instead, on an in-memory network"
                    + " (no real addresses, no client; the table shows who holds each VIP).\n");
            LocalDemo.run();
            System.exit(0);
        }
        Path work = Files.createTempDirectory("wackamole-demo");
        JettyFarm farm;
        try {
            farm = new JettyFarm(work, "wackamole-udp.xml"); // cleans up after itself if it fails
        } catch (Exception e) {
            System.out.println("The demo could not build its farm: " + e.getMessage());
            System.exit(1);
            return;
        }
        String version = System.getProperty("jetty.home").replaceAll(".*jetty-home-", "");
        boolean terminal = System.console() != null && !tour;
        InteractiveDemo demo = tour ? null : new InteractiveDemo(farm, "Wackamole demo: h1 h2 h3 (Jetty " + version
                + ") and the client c, namespaces " + farm.network().ns("c").replaceAll("-c$", "-*"), terminal,
                Integer.getInteger("wackamole.demo.rows", 24));
        Runnable cleanup = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() { // once, whether by quit, an error or Ctrl-C (the shutdown hook)
                if (done) {
                    return;
                }
                done = true;
                if (demo != null) {
                    demo.stop();
                }
                farm.close();
                if (demo != null) {
                    demo.restoreTerminal();
                }
                System.out.println("Cleaned up: Jetty processes stopped, namespaces deleted.");
                System.out.flush();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanup, "demo-cleanup"));
        int exit = 0;
        try {
            farm.remoteJmx(InteractiveDemo.JMX_PORT);
            if (demo != null) {
                demo.run();
            } else {
                tour(farm, version);
            }
        } catch (Exception e) {
            if (demo != null) {
                demo.stop();
                demo.restoreTerminal();
            }
            System.out.println("\nThe demo failed: " + e.getMessage());
            exit = 1;
        } finally {
            cleanup.run();
        }
        System.exit(exit);
    }

    /** Why the namespace farm cannot run here, for someone who just ran ./demo.sh. */
    static String inUserTerms(String why) {
        if (why.contains("root")) {
            return "The real farm puts three Jetty servers and a client in Linux network namespaces on a private bridge, so that"
                    + " the VIPs are addresses a client really reaches; creating namespaces needs root, and you are not root."
                    + " Run 'sudo ./demo.sh' for that farm.";
        }
        if (why.contains("Linux")) {
            return "The real farm needs Linux network namespaces, and this is not Linux.";
        }
        if (why.contains("'ip'")) {
            return "The real farm builds its network with the 'ip' command, which is missing (Debian: apt-get install iproute2).";
        }
        return "The real farm cannot run here: " + why + ".";
    }

    private static void tour(JettyFarm farm, String version) throws Exception {
        System.out.println("Starting h1, h2, h3 (Jetty " + version + " + wackamole) in network namespaces; the client is c.");
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
