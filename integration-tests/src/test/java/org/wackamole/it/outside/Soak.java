package org.wackamole.it.outside;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.wackamole.it.JettyFarm;
import org.wackamole.it.outside.FaultInjector.Outcome;

/**
 * A seeded random sequence of faults on the real farm, judged from outside, on each stack; prints
 * every fault's outcome and, per fault class and stack, the worst double-holder time, longest
 * uncovered time and client outage, and the targets missed. Root only.
 *
 * <p>{@code mvn -B -q verify -DskipTests -pl integration-tests -am exec:exec@soak -Dfaults=500 -Dseed=1 -Dminutes=120}
 * ({@code faults} per stack; the run stops early at {@code minutes}; {@code kinds} restricts the classes, e.g. {@code PAUSE,KILL};
 * {@code plans} gives the faults instead, e.g. {@code PAUSE:h1:3000,KILL:h2}).
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        String why = JettyFarm.whyUnavailable();
        if (why != null) {
            System.err.println("skipped: " + why);
            System.exit(1);
        }
        int faults = Integer.parseInt(System.getProperty("faults", "500"));
        long seed = Long.parseLong(System.getProperty("seed", "1"));
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(Long.parseLong(System.getProperty("minutes", "120")));
        List<String> stacks = List.of(System.getProperty("stacks", "wackamole-udp.xml,wackamole-tcp.xml").split(","));
        String kinds = System.getProperty("kinds", "");
        String explicit = System.getProperty("plans", "");
        List<FaultPlan> plans = !explicit.isBlank() ? FaultPlan.parse(explicit) : FaultPlan.sequence(seed, faults).stream()
                .filter(p -> kinds.isBlank() || List.of(kinds.split(",")).contains(p.kind().name())).toList();
        System.out.printf(Locale.ROOT, "soak: seed %d, %d faults per stack on %s%n", seed, plans.size(), stacks);
        List<Outcome> all = new ArrayList<>();
        int errors = 0;
        long perStack = (end - System.nanoTime()) / stacks.size();
        for (String stack : stacks) {
            long stackEnd = System.nanoTime() + perStack;
            try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-soak"), stack)) {
                for (String h : JettyFarm.HOSTS) {
                    farm.start(h);
                }
                try (Observers observers = new Observers(farm, Duration.ofNanos(perStack + TimeUnit.MINUTES.toNanos(5)))) {
                    FaultInjector injector = new FaultInjector(farm, observers, stack);
                    int n = 0;
                    for (FaultPlan plan : plans) {
                        if (System.nanoTime() > stackEnd) {
                            System.out.println("time bound reached after " + n + " faults on " + stack);
                            break;
                        }
                        n++;
                        Outcome o;
                        try {
                            o = injector.run(plan);
                        } catch (Exception e) {
                            // A fault the farm could not be brought back from: say so, try the next one.
                            System.out.printf(Locale.ROOT, "%4d %s %-28s FAILED: %s%n", n, short_(stack), plan, e);
                            errors++;
                            continue;
                        }
                        all.add(o);
                        List<String> misses = Targets.misses(o);
                        System.out.printf(Locale.ROOT, "%4d %s %-28s double %6.0f ms, uncovered %6.0f ms, outage %6.0f ms, ARP max %d, %s%s%n",
                                n, short_(stack), plan, o.doubleMillis(), o.uncoveredMillis(), o.outageMillis(), o.maxResponders(),
                                o.figures(), misses.isEmpty() ? "" : " MISSED " + misses);
                        if (!misses.isEmpty() && Boolean.getBoolean("verbose")) {
                            System.out.println(o);
                        }
                        if (!misses.isEmpty() || Boolean.getBoolean("wackamole.fault.logs")) {
                            keepLogs(farm, stack, plan, n);
                        }
                    }
                }
            }
        }
        summary(all).forEach(System.out::println);
        System.out.println(errors + " faults could not be run to the end (see FAILED above)");
        System.exit(0);
    }

    /** Every host's server log of a fault, in target/fault-logs: the diagnosis of a miss needs them. */
    private static void keepLogs(JettyFarm farm, String stack, FaultPlan plan, int n) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "fault-logs");
        Files.createDirectories(dir);
        String name = ("soak-" + short_(stack) + "-" + n + "-" + plan).replaceAll("[^A-Za-z0-9.-]+", "_") + "-" + System.currentTimeMillis();
        for (String h : JettyFarm.HOSTS) {
            Files.writeString(dir.resolve(name + "-" + h + ".log"), farm.log(h));
        }
        System.out.println("     server logs kept in " + dir.toAbsolutePath() + "/" + name + "-*.log");
    }

    static String short_(String stack) {
        return stack.replace("wackamole-", "").replace(".xml", "");
    }

    /** A table per fault class and stack: runs, worst figures, targets missed. */
    static List<String> summary(List<Outcome> all) {
        Map<String, List<Outcome>> groups = new TreeMap<>();
        for (Outcome o : all) {
            groups.computeIfAbsent(o.plan().kind() + " | " + short_(o.stack()), k -> new ArrayList<>()).add(o);
        }
        List<String> lines = new ArrayList<>();
        lines.add("| fault | stack | runs | double-held max ms | longest uncovered max ms | client outage max ms | ARP responders max | fault figures (max) | runs missing a target | sampling gap max ms |");
        lines.add("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        groups.forEach((key, os) -> {
            Map<String, Double> figures = new TreeMap<>();
            os.forEach(o -> o.figures().forEach((k, v) -> figures.merge(k, v, (a, b) -> a.isNaN() || b.isNaN() ? Double.NaN : Math.max(a, b))));
            StringBuilder fig = new StringBuilder();
            figures.forEach((k, v) -> fig.append(fig.length() == 0 ? "" : ", ").append(k).append(' ')
                    .append(v.isNaN() ? "never" : String.format(Locale.ROOT, "%.0f", v)));
            lines.add(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %d | %s | %d | %.0f |", key, os.size(),
                    os.stream().mapToDouble(Outcome::doubleMillis).max().orElse(0),
                    os.stream().mapToDouble(Outcome::uncoveredMillis).max().orElse(0),
                    os.stream().mapToDouble(Outcome::outageMillis).max().orElse(0),
                    os.stream().mapToInt(Outcome::maxResponders).max().orElse(0), fig,
                    os.stream().filter(o -> !Targets.misses(o).isEmpty()).count(),
                    os.stream().flatMap(o -> o.recording().sampleGap().values().stream()).mapToLong(Long::longValue).max().orElse(0) / 1e6));
        });
        return lines;
    }
}
