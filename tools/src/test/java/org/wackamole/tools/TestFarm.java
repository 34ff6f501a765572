package org.wackamole.tools;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.wackamole.runtime.Scheduler;
import org.wackamole.runtime.WackamoleRuntime;
import org.wackamole.testing.DryRunSettings;

/**
 * A child JVM for the tests: real Wackamole runtimes (one per node named on the command line) on
 * the dry-run network and the in-JVM loopback stack, with the real MXBeans. Prints READY once every
 * VIP is held, and stops when its standard input closes. Bounded: it exits after 5 minutes anyway.
 * {@code TestFarm CLUSTER NODE[,NODE...] VIP[,VIP...]}; the first node prefers the first VIP.
 */
public final class TestFarm {
    public static void main(String[] args) throws Exception {
        String cluster = args[0];
        List<String> nodes = Arrays.asList(args[1].split(","));
        String vips = args[2];
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        List<WackamoleRuntime> runtimes = new ArrayList<>();
        for (String node : nodes) {
            WackamoleRuntime r = new WackamoleRuntime();
            DryRunSettings.of(cluster, node, vips, "wackamole.balance.interval", "1s").forEach(r::set);
            if (node.equals(nodes.get(0))) {
                r.set("wackamole.prefer", vips.split(",")[0]);
            }
            r.start(Scheduler.of(timer), List.of());
            r.serving();
            runtimes.add(r);
        }
        int groups = vips.split(",").length;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (runtimes.stream().mapToInt(r -> r.management().getHeldVips().length).sum() != groups) {
            if (System.nanoTime() > deadline) {
                System.out.println("NOT READY");
                System.exit(1);
            }
            Thread.sleep(50);
        }
        System.out.println("READY");
        System.out.flush();
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for the test to close our input
                }
            } catch (java.io.IOException e) {
                // parent gone
            }
        });
        stdin.setDaemon(true);
        stdin.start();
        stdin.join(300_000);
        for (WackamoleRuntime r : runtimes) {
            r.stop();
        }
        timer.shutdownNow();
        System.exit(0);
    }
}
