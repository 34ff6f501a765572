package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP stack (no multicast; peers from wackamole.jgroups.initialHosts) on the real farm, judged
 * from outside: the addresses on every host's interface sampled every 10 ms, and a client probing
 * the dead host's VIP. Root only. The scenarios run in order on one farm.
 *
 * <p>By hand, each host-death scenario can be repeated: {@code -Dwackamole.tcp.repeat=5} (figures
 * are printed per run); {@code -Dwackamole.tcp.logs=DIR} keeps the hosts' logs of every scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class TcpFarmTest {
    /** Address sampling period: at most 20 ms, so a double holder of that length is seen. */
    private static final int SAMPLE_MILLIS = 10;
    /**
     * Longest a VIP may be on two linked hosts: none is expected (the survivors share one view and
     * the engine never acquires what a member of the view holds), but a VIP whose dead holder is
     * still being detected may be taken by one survivor within the detection window of the stack
     * (FD_ALL3 250 + 50 ms, VERIFY_SUSPECT2 100 ms).
     */
    private static final long DETECTION_MILLIS = 400;
    private static final Pattern MEMBERS = Pattern.compile("members ([^<]*)</p>");
    private static final int REPEAT = Integer.getInteger("wackamole.tcp.repeat", 1);
    /** By hand only, for a baseline under the same conditions: -Dwackamole.tcp.stack=wackamole-udp.xml. */
    private static final String STACK = System.getProperty("wackamole.tcp.stack", "wackamole-tcp.xml");

    private JettyFarm farm;
    private final List<String> figures = new ArrayList<>();

    @BeforeAll
    void startFarm() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        farm = new JettyFarm(Files.createTempDirectory("wackamole-tcp"), STACK);
        for (String h : JettyFarm.HOSTS) {
            farm.start(h);
        }
    }

    @AfterAll
    void stopFarm() {
        figures.forEach(System.out::println);
        if (farm != null) {
            farm.close();
        }
    }

    @Test
    @Order(1)
    void tcpStackFormsTheClusterAndFailsOver() throws Exception {
        awaitWhole();
        farm.kill("h2");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> farm.answers().values().stream().allMatch(n -> "h1".equals(n) || "h3".equals(n)));
        assertThat(farm.answers().get("198.51.100.101")).isIn("h1", "h3");
        restart("h2");
    }

    @Test
    @Order(2)
    void coordinatorHostDeathLeavesOneViewAndOneHolderPerVip() throws Exception {
        for (int run = 0; run < REPEAT; run++) {
            awaitWhole();
            hostDeath(coordinator(), "coordinator");
        }
    }

    @Test
    @Order(3)
    void memberHostDeathLeavesOneViewAndOneHolderPerVip() throws Exception {
        for (int run = 0; run < REPEAT; run++) {
            awaitWhole();
            List<String> view = members();
            hostDeath(view.get(view.size() - 1), "member");
        }
    }

    /** The link is cut first (the peers' TCP connections go silent), then the process dies. */
    private void hostDeath(String dead, String role) throws Exception {
        String vip = JettyFarm.VIPS.get(JettyFarm.HOSTS.indexOf(dead));
        List<String> survivors = JettyFarm.HOSTS.stream().filter(h -> !h.equals(dead)).toList();
        try (HolderWatch watch = new HolderWatch(farm, SAMPLE_MILLIS, 60_000)) {
            Prober prober = Prober.start(farm.network(), vip, 10, 100);
            long t0;
            Prober.Report report;
            try {
                Thread.sleep(300);
                t0 = System.nanoTime();
                watch.link(dead, false);
                farm.link(dead, false);
                farm.kill(dead);
                // Settled: every VIP on exactly one survivor; then watch on, long enough for a MERGE3 round
                // (1-3 s) to show a split that a false suspicion would have caused.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < end && !onePerVip(watch.now(), survivors)) {
                    Thread.sleep(20);
                }
                Thread.sleep(3000);
            } finally {
                report = prober.stop();
            }
            watch.check();

            keepLogs(role);
            String where = role + " " + dead + " (survivors' logs:" + tails(survivors) + ")";
            Map<String, List<String>> holders = watch.now();
            assertThat(onePerVip(holders, survivors)).as("one linked holder per VIP after the death of %s: %s; %s",
                    dead, holders, where).isTrue();
            List<String> views = survivors.stream().map(this::membersOrEmpty).map(List::toString).toList();
            assertThat(Set.copyOf(views)).as("survivors' views %s after %s", views, where).hasSize(1);
            assertThat(views.get(0)).as("view").doesNotContain(dead);

            List<HolderWatch.Span> doubles = watch.doubleHolders(t0);
            long longestDouble = doubles.stream().mapToLong(HolderWatch.Span::millis).max().orElse(0);
            assertThat(longestDouble).as("a VIP on two linked hosts at once: %s; %s", doubles, where)
                    .isLessThanOrEqualTo(DETECTION_MILLIS);

            // The client: answered by one survivor only once the VIP has moved.
            Set<String> answering = new LinkedHashSet<>();
            long firstOther = -1;
            for (Prober.Probe p : report.probes()) {
                if (p.nanos() >= t0 && p.node() != null && !p.node().equals(dead)) {
                    answering.add(p.node());
                    if (firstOther < 0) {
                        firstOther = p.nanos();
                    }
                }
            }
            assertThat(answering).as("hosts answering %s after the death of %s: %s", vip, where, report).hasSize(1);

            long oneHolder = JettyFarm.VIPS.stream().mapToLong(v -> watch.settledSince(v, t0)).max().orElse(-1);
            figures.add(String.format(Locale.ROOT,
                    STACK + ": host death of %s %s: one holder per VIP after %d ms, longest double holder %d ms, client outage %d ms",
                    role, dead, (oneHolder - t0) / 1_000_000, longestDouble, (firstOther - t0) / 1_000_000));
        }
        restartAsRebooted(dead);
    }

    private static boolean onePerVip(Map<String, List<String>> holders, List<String> live) {
        return !holders.isEmpty() && holders.values().stream().allMatch(h -> h.size() == 1 && live.contains(h.get(0)));
    }

    /** The host comes back as after a reboot: without the addresses its dead JVM held, link up, Jetty started. */
    private void restartAsRebooted(String host) throws Exception {
        farm.network().execStatus(host, "ip", "addr", "flush", "dev", "veth0", "scope", "global", "label", "veth0:wm");
        farm.network().execStatus(host, "ip", "-6", "addr", "del", "2001:db8::100/128", "dev", "veth0");
        farm.link(host, true);
        restart(host);
    }

    private void restart(String host) throws Exception {
        if (!farm.running(host)) {
            farm.start(host);
        }
    }

    /** Waits until the farm is whole: every host linked and running, one view of three, preferences honoured. */
    private void awaitWhole() throws Exception {
        for (String h : JettyFarm.HOSTS) {
            farm.link(h, true);
            restart(h);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> a = farm.answers();
            return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101"))
                    && "h3".equals(a.get("198.51.100.102")) && a.get("2001:db8::100") != null
                    && JettyFarm.HOSTS.stream().allMatch(h -> membersOrEmpty(h).size() == 3);
        });
    }

    /** The current coordinator, as the members' views say (the first member of the view). */
    private String coordinator() {
        return members().get(0);
    }

    private List<String> members() {
        return membersOrEmpty("h1").isEmpty() ? membersOrEmpty("h2") : membersOrEmpty("h1");
    }

    /** The host's view from its status page (its MBean), in view order; empty when it does not answer. */
    private List<String> membersOrEmpty(String host) {
        try {
            String page = farm.network().inNamespace("c",
                    () -> JettyFarm.get("198.51.100." + (JettyFarm.HOSTS.indexOf(host) + 1), "/wackamole-sample/", 2000));
            Matcher m = page == null ? null : MEMBERS.matcher(page);
            return m != null && m.find() ? List.of(m.group(1).split(",\\s*")) : List.of();
        } catch (Exception e) {
            return List.of();
        }
    }

    private int kept;

    /** With -Dwackamole.tcp.logs=DIR, the hosts' whole logs are copied there after each scenario (for reading by hand). */
    private void keepLogs(String role) throws Exception {
        String dir = System.getProperty("wackamole.tcp.logs");
        if (dir == null) {
            return;
        }
        java.nio.file.Path d = java.nio.file.Path.of(dir);
        Files.createDirectories(d);
        kept++;
        for (String h : JettyFarm.HOSTS) {
            Files.writeString(d.resolve(kept + "-" + role + "-" + h + ".log"), farm.log(h));
        }
    }

    private String tails(List<String> hosts) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String h : hosts) {
            String log = farm.log(h);
            sb.append("\n--- ").append(h).append(" (last 4000 chars)\n").append(log.substring(Math.max(0, log.length() - 4000)));
        }
        return sb.toString();
    }
}
