package org.wackamole.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * False failovers under load: the farm runs {@code minutes} with nothing killed while a client
 * probes every IPv4 VIP every 10 ms (100 ms timeout) and {@code hog} threads of this JVM spin on the
 * same CPUs. Every view change after the farm settled is a false suspicion; every acquisition after
 * it a false failover. GC logs of the Jetty JVMs give their longest pause. Root only.
 *
 * <p>{@code mvn -B -q verify -DskipTests -pl integration-tests -am exec:exec@detection -Dminutes=10 -Dprofiles=wackamole-udp.xml}
 */
public final class DetectionSoak {
    private static final Pattern GC_PAUSE = Pattern.compile("Pause.* (\\d+\\.\\d+)ms");

    public static void main(String[] args) throws Exception {
        String why = JettyFarm.whyUnavailable();
        if (why != null) {
            System.err.println("skipped: " + why);
            System.exit(1);
        }
        double minutes = Double.parseDouble(System.getProperty("minutes", "10"));
        int hog = Integer.getInteger("hog", 2);
        List<String> rows = new ArrayList<>();
        for (String stack : System.getProperty("profiles", "wackamole-udp.xml").split(",")) {
            rows.add(run(stack, minutes, hog));
        }
        System.out.println("| stack | minutes | CPU hog threads | load average (1 min) at end | view changes after settling | VIP acquisitions after settling | failed probes | longest GC pause ms |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static String run(String stack, double minutes, int hog) throws Exception {
        Path work = Files.createTempDirectory("wackamole-detection");
        System.setProperty("wackamole.farm.jvm", "-Xlog:gc:file=" + work.resolve("gc-%p.log"));
        try (JettyFarm farm = new JettyFarm(work, stack)) {
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            long settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!settled(farm) && System.nanoTime() < settleEnd) {
                Thread.sleep(200);
            }
            Thread.sleep(3000);
            Map<String, Integer> viewsBefore = new LinkedHashMap<>();
            Map<String, Integer> acquiredBefore = new LinkedHashMap<>();
            for (String h : JettyFarm.HOSTS) {
                viewsBefore.put(h, count(farm.log(h), "view ["));
                acquiredBefore.put(h, count(farm.log(h), "Acquired "));
            }
            List<Prober> probers = new ArrayList<>();
            for (String vip : JettyFarm.VIPS.subList(0, 3)) {
                probers.add(Prober.start(farm.network(), vip, 10, 100, java.time.Duration.ofMinutes((long) Math.ceil(minutes) + 1)));
            }
            long end = System.nanoTime() + (long) (minutes * 60e9);
            List<Thread> hogs = new ArrayList<>();
            for (int i = 0; i < hog; i++) {
                Thread t = new Thread(() -> {
                    long x = 0;
                    while (System.nanoTime() < end) {
                        x += System.nanoTime() % 7;
                    }
                    if (x == 42) {
                        System.out.print("");
                    }
                }, "hog-" + i);
                t.setDaemon(true);
                t.start();
                hogs.add(t);
            }
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
            }
            long failed = 0;
            for (Prober p : probers) {
                failed += p.stop().failures();
            }
            int views = 0;
            int acquired = 0;
            for (String h : JettyFarm.HOSTS) {
                String log = farm.log(h);
                views += count(log, "view [") - viewsBefore.get(h);
                acquired += count(log, "Acquired ") - acquiredBefore.get(h);
                if (count(log, "view [") > viewsBefore.get(h)) {
                    log.lines().filter(l -> l.contains("view [") || l.contains("did not run")).skip(viewsBefore.get(h))
                            .forEach(l -> System.out.println(h + ": " + l));
                }
            }
            double maxPause = 0;
            try (var files = Files.list(work)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("gc-")).toList()) {
                    Matcher m = GC_PAUSE.matcher(Files.readString(f));
                    while (m.find()) {
                        maxPause = Math.max(maxPause, Double.parseDouble(m.group(1)));
                    }
                }
            }
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            String row = String.format(java.util.Locale.ROOT, "| %s | %.1f | %d | %s | %d | %d | %d | %.1f |",
                    stack, minutes, hog, load, views, acquired, failed, maxPause);
            System.out.println(row);
            return row;
        }
    }

    private static boolean settled(JettyFarm farm) throws Exception {
        Map<String, String> a = farm.answers();
        return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101")) && "h3".equals(a.get("198.51.100.102"));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
