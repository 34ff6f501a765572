package org.wackamole.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Client-visible outage on the real farm (three Jetty servers in network namespaces, root only).
 * A prober in the client namespace asks h2's preferred VIP who answers every 5 ms (30 ms timeout, so
 * a connection attempt lost in a hand-over costs the measurement 30 ms, where a real client's TCP
 * would retransmit its SYN after a second).
 * For each fault the outage is the time from the fault to the start of the first probe the new holder
 * answered (kill -9, host death: probes then overlap, one starting every 5 ms, so the figure is
 * within 5 ms of the real moment; "servers' acquisition" is the same fault timed by the new holder's
 * "Acquired" log line); for hand-overs, the time from the last answer of the old holder to the
 * first of the new one (graceful stop, planned move when h2 comes back and takes its VIP back,
 * partition heal: the longest time without an answer after the link comes back). Prints min/median/max over the runs and the failed probes, per JGroups profile.
 *
 * <p>{@code -Dservers=mixed} runs the same faults on a mixed farm where h2, the host every fault but
 * the partition hits, is the stock Tomcat 11 with the Tomcat bundle (h1 and h3 Jetty);
 * {@code -Dservers=both} runs the Jetty farm, then the mixed one. Default: {@code jetty}.
 *
 * <p>{@code -Dfailover.security=none} runs every host with {@code wackamole.security=none} (plain cluster traffic) instead of the
 * default farm key, to compare; {@code -Dfailover.profiles=wackamole-udp.xml} measures one JGroups profile instead of both, and
 * {@code -Dfailover.faults='kill -9,host death'} only those faults (each still followed by h2's restart, the planned move; the
 * partition heal runs when {@code partition heal} is listed, as it is by default).
 *
 * <p>Run: {@code sudo mvn -B -q install -DskipTests && sudo mvn -B -q -pl integration-tests exec:exec@failover -Druns=5 -Dservers=both}
 *
 * <p>{@code -Dmode=planned} measures the planned moves instead, each kind N times on hosts set up
 * for make-before-break ({@link PlannedMoves}):
 * {@code mvn -B -q verify -DskipTests -pl integration-tests -am exec:exec@planned -Dmoves=20 [-Dprofiles=a.xml,b.xml]}.
 */
public final class FailoverBenchmark {
    private static final String VIP = "198.51.100.101";

    public static void main(String[] args) throws Exception {
        String why = JettyFarm.whyUnavailable();
        if (why != null) {
            System.err.println("skipped: " + why);
            System.exit(1);
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if ("planned".equals(System.getProperty("mode"))) {
            planned(runs);
            System.exit(0);
        }
        String servers = System.getProperty("servers", "jetty");
        List<String> farms = switch (servers) {
            case "jetty" -> List.of("3 Jetty");
            case "mixed" -> List.of("h2 Tomcat");
            case "both" -> List.of("3 Jetty", "h2 Tomcat");
            default -> throw new IllegalArgumentException("servers='" + servers + "': expected jetty, mixed or both");
        };
        boolean secured = switch (System.getProperty("failover.security", "required")) {
            case "required" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("failover.security='" + System.getProperty("failover.security") + "': expected required or none");
        };
        List<String> profiles = List.of(System.getProperty("failover.profiles", "wackamole-udp.xml,wackamole-udp-fast.xml").split(","));
        List<String> faults = List.of(System.getProperty("failover.faults", "kill -9,host death,graceful stop,partition heal").split(","));
        for (String f : faults) {
            if (!List.of("kill -9", "host death", "graceful stop", "partition heal").contains(f)) {
                throw new IllegalArgumentException("failover.faults: '" + f + "': expected kill -9, host death, graceful stop or partition heal");
            }
        }
        System.out.println("security=" + (secured ? "required (farm key)" : "none") + ", profiles " + profiles + ", faults " + faults);
        List<String> lines = new ArrayList<>();
        for (String kind : farms) {
            Set<String> tomcatHosts = kind.equals("3 Jetty") ? Set.of() : Set.of("h2");
            for (String profile : profiles) {
                measure(kind, tomcatHosts, profile, runs, secured, faults, lines);
            }
        }
        System.out.println("| servers   | profile                | scenario                   | min ms  | median  | max ms  | runs | failed probes |");
        System.out.println("| --------- | ---------------------- | -------------------------- | ------- | ------- | ------- | ---- | ---- |");
        lines.forEach(System.out::println);
        System.exit(0);
    }

    /**
     * The planned-moves mode ({@code -Dmode=planned}): every kind of planned move {@code moves} times
     * per JGroups profile ({@code -Dprofiles=a.xml,b.xml}, default the default stack) on a farm set up
     * for make-before-break ({@link PlannedMoves}), then one table row per kind.
     */
    private static void planned(int moves) throws Exception {
        List<String> rows = new ArrayList<>();
        int splits = 0;
        for (String profile : System.getProperty("profiles", "wackamole-udp.xml").split(",")) {
            Path work = Files.createTempDirectory("wackamole-planned");
            try (PlannedMoves farm = new PlannedMoves(work, profile, m -> System.out.println(m))) {
                try {
                    farm.operatorCycles(moves);
                    farm.balanceJoins(moves);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // A farm a disturbed move left stuck (on a loaded machine): the moves so far still count.
                    System.out.println("stopped after " + farm.moves().size() + " moves on " + profile + ": " + e.getMessage());
                }
                rows.addAll(PlannedMoves.table(profile, farm.moves()));
                splits += farm.splitsWaited();
                if (System.getProperty("logs") != null) {
                    farm.saveLogs(Path.of(System.getProperty("logs"), profile));
                }
            }
        }
        System.out.println(PlannedMoves.header());
        rows.forEach(System.out::println);
        System.out.println("moves that waited for a split farm to merge before starting: " + splits);
    }

    /** One farm, one profile: every fault {@code runs} times; the table rows go to {@code lines}. */
    private static void measure(String kind, Set<String> tomcatHosts, String profile, int runs, boolean secured,
                                List<String> faults, List<String> lines) throws Exception {
        Map<String, List<Double>> outage = new LinkedHashMap<>();
        Map<String, Long> failures = new LinkedHashMap<>();
        Path work = Files.createTempDirectory("wackamole-bench");
        try (JettyFarm farm = new JettyFarm(work, profile, tomcatHosts, secured)) {
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            settle(farm);
            for (int run = 0; run < runs; run++) {
                for (String fault : faults.stream().filter(f -> !f.equals("partition heal")).toList()) {
                    // Detection is timed from the start of the first probe the new holder answered: overlapping
                    // probes start every 5 ms while those sent to the dead holder wait out their 30 ms, so that
                    // start is at most 5 ms after the moment the VIP answered again.
                    Prober prober = fault.equals("graceful stop") ? Prober.start(farm.network(), VIP, 5, 30)
                            : Prober.startOverlapping(farm.network(), VIP, 5, 30);
                    awaitAnswer(prober, "h2", 10_000);
                    long wall0 = System.currentTimeMillis();
                    long t0 = System.nanoTime();
                    switch (fault) {
                        case "kill -9" -> farm.kill("h2");
                        case "host death" -> {
                            farm.link("h2", false);
                            farm.kill("h2");
                            // A rebooted host comes back without the addresses its dead JVM held.
                            farm.network().exec("h2", "ip", "addr", "flush", "dev", "veth0", "scope", "global", "label", "veth0:wm");
                            farm.network().execStatus("h2", "ip", "-6", "addr", "del", "2001:db8::100/128", "dev", "veth0");
                        }
                        default -> farm.stop("h2");
                    }
                    awaitOther(prober, "h2", 20_000);
                    Thread.sleep(100);
                    Prober.Report r = prober.stop();
                    double ms = fault.equals("graceful stop") ? handOver(r, "h2") : (firstOther(r, "h2", t0) - t0) / 1e6;
                    record(outage, failures, fault, ms, r.failures());
                    if (fault.equals("graceful stop")) {
                        recordGap(outage, "graceful stop: servers' gap", farm, "h2", prober.lastAnswer());
                    } else {
                        // The new holder's own log (ms clock): from the fault to its "Acquired" line.
                        long acquired = farm.logged(prober.lastAnswer(), "Acquired", VIP);
                        if (acquired >= wall0) {
                            outage.computeIfAbsent(fault + ": servers' acquisition", k -> new ArrayList<>())
                                    .add((double) (acquired - wall0));
                        }
                    }

                    farm.link("h2", true);
                    Thread.sleep(300);
                    // Planned move: h2 comes back and takes its preferred VIP back (release before acquire).
                    String holder = prober.lastAnswer();
                    Prober back = Prober.start(farm.network(), VIP, 5, 30);
                    farm.start("h2");
                    awaitAnswer(back, "h2", 30_000);
                    Thread.sleep(100);
                    Prober.Report b = back.stop();
                    record(outage, failures, "planned move", handOver(b, holder), b.failures());
                    recordGap(outage, "planned move: servers' gap", farm, holder, "h2");
                    settle(farm);
                }
                if (!faults.contains("partition heal")) {
                    continue;
                }
                // Partition heal: h3 is cut off and keeps its VIP in its own partition; the rest take it.
                farm.link("h3", false);
                Prober p3 = Prober.start(farm.network(), "198.51.100.102", 5, 30);
                awaitOther(p3, "h3", 20_000);
                Thread.sleep(500);
                long heal = System.nanoTime();
                farm.link("h3", true);
                awaitAnswer(p3, "h3", 30_000);
                Thread.sleep(100);
                Prober.Report r3 = p3.stop();
                record(outage, failures, "partition heal", longestGapAfter(r3, heal) / 1e6,
                        r3.probes().stream().filter(p -> p.nanos() >= heal && p.node() == null).count());
                settle(farm);
            }
        }
        for (Map.Entry<String, List<Double>> e : outage.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(Double::compare);
            lines.add(String.format(Locale.ROOT, "| %-9s | %-22s | %-26s | %7.1f | %7.1f | %7.1f | %4d | %4s |", kind, profile, e.getKey(),
                    v.get(0), v.get(v.size() / 2), v.get(v.size() - 1), v.size(),
                    failures.containsKey(e.getKey()) ? failures.get(e.getKey()).toString() : "-"));
        }
    }

    private static void record(Map<String, List<Double>> outage, Map<String, Long> failures, String scenario, double ms, long failed) {
        outage.computeIfAbsent(scenario, k -> new ArrayList<>()).add(ms);
        failures.merge(scenario, failed, Long::sum);
        System.out.printf(Locale.ROOT, "%s: %.1f ms (%d failed probes)%n", scenario, ms, failed);
    }

    /** The hand-over as the servers logged it: from the old holder's release to the new one's acquisition (ms clock). */
    private static void recordGap(Map<String, List<Double>> outage, String scenario, JettyFarm farm, String from, String to)
            throws Exception {
        // A make-before-break hand-over logs "Pointed neighbours at MAC and released …", a plain one "Released …".
        long released = Math.max(farm.logged(from, "Released", VIP), farm.logged(from, "released", VIP));
        long acquired = farm.logged(to, "Acquired", VIP);
        if (released > 0 && acquired >= released) {
            outage.computeIfAbsent(scenario, k -> new ArrayList<>()).add((double) (acquired - released));
        }
    }

    /** Time from the last answer of {@code from} to the first answer of anyone else. */
    private static double handOver(Prober.Report r, String from) {
        Long lastOld = null;
        for (Prober.Probe p : r.probes()) {
            if (from.equals(p.node())) {
                lastOld = p.nanos();
            } else if (p.node() != null && lastOld != null) {
                return (p.nanos() - lastOld) / 1e6;
            }
        }
        return Double.NaN;
    }

    private static long firstOther(Prober.Report r, String not, long after) {
        return r.probes().stream().filter(p -> p.nanos() >= after && p.node() != null && !p.node().equals(not))
                .mapToLong(Prober.Probe::nanos).min().orElseThrow();
    }

    /** After a heal the client is answered throughout, by one holder or the other: the longest silence. */
    private static long longestGapAfter(Prober.Report r, long after) {
        long longest = 0;
        long lastOk = after;
        for (Prober.Probe p : r.probes()) {
            if (p.nanos() >= after && p.node() != null) {
                longest = Math.max(longest, p.nanos() - lastOk);
                lastOk = p.nanos();
            }
        }
        return longest;
    }

    private static void awaitAnswer(Prober p, String node, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!node.equals(p.lastAnswer()) && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        if (!node.equals(p.lastAnswer())) {
            throw new IllegalStateException(node + " never answered; last " + p.lastAnswer());
        }
    }

    private static void awaitOther(Prober p, String node, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while ((p.lastAnswer() == null || node.equals(p.lastAnswer())) && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        if (p.lastAnswer() == null || node.equals(p.lastAnswer())) {
            throw new IllegalStateException("nobody took over from " + node);
        }
    }

    private static void settle(JettyFarm farm) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Map<String, String> a = farm.answers();
            if ("h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101"))
                    && "h3".equals(a.get("198.51.100.102")) && a.get("2001:db8::100") != null) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("farm did not settle: " + farm.answers());
    }
}
