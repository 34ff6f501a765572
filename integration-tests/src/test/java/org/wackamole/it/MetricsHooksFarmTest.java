package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Metrics and hooks on the namespace farm, judged from outside: h1 and h2 run Jetty, h3 the stock
 * Tomcat with the bundle (so both adapters carry the new settings). Each serves /metrics on its own
 * address in its namespace, scraped from the client namespace, and the counts must match the addresses
 * `ip addr` shows on the hosts; each runs an acquire hook script that records its environment, which
 * must name the VIPs really added to its interface. Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class MetricsHooksFarmTest {
    private static final int METRICS_PORT = 9405;
    private static final Duration SETTLE = Duration.ofSeconds(40);
    private static final Pattern SAMPLE = Pattern.compile("^(wackamole_[a-z_]+)\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    private JettyFarm farm;
    private Path hooks;

    @BeforeAll
    void startFarm() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        Path work = Files.createTempDirectory("wackamole-metrics-farm");
        hooks = Files.createTempDirectory("wackamole-hooks");
        Path acquire = hooks.resolve("acquire.sh");
        // One file per run, named after node, event and VIP; written whole, then renamed, so a reader never sees half.
        Files.writeString(acquire, "#!/bin/sh\nf=\"" + hooks + "/$WACKAMOLE_NODE-$WACKAMOLE_EVENT-$WACKAMOLE_VIP\"\n"
                + "env | grep '^WACKAMOLE_' | sort > \"$f.tmp\" && mv \"$f.tmp\" \"$f.env\"\necho \"recorded $WACKAMOLE_VIP\"\n");
        Files.setPosixFilePermissions(acquire, PosixFilePermissions.fromString("rwxr-xr-x"));
        farm = new JettyFarm(work, "wackamole-udp.xml", Set.of("h3"), host -> Map.of(
                "wackamole.metrics.address", address(host) + ":" + METRICS_PORT,
                "wackamole.hook.acquire", acquire.toString(),
                "wackamole.hook.timeout", "5s"));
        for (String host : JettyFarm.HOSTS) {
            farm.start(host);
        }
    }

    @AfterAll
    void stopFarm() throws Exception {
        if (farm != null) {
            farm.close();
        }
        if (hooks != null) {
            try (var paths = Files.walk(hooks)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String address(String host) {
        return "198.51.100." + (JettyFarm.HOSTS.indexOf(host) + 1);
    }

    /** GET /metrics of a host from the client namespace; null when it does not answer. */
    private String scrape(String host) throws Exception {
        return farm.network().inNamespace("c", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address(host), METRICS_PORT), 2000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /metrics HTTP/1.1\r\nHost: " + address(host) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!response.startsWith("HTTP/1.1 200")) {
                    return null;
                }
                return response.substring(response.indexOf("\r\n\r\n") + 4);
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Every sample of one metric: its labels text to its value. */
    private static Map<String, Double> samples(String exposition, String metric) {
        Map<String, Double> found = new LinkedHashMap<>();
        Matcher m = SAMPLE.matcher(exposition);
        while (m.find()) {
            if (m.group(1).equals(metric)) {
                found.put(m.group(2), Double.parseDouble(m.group(3)));
            }
        }
        return found;
    }

    private static double one(String exposition, String metric) {
        Map<String, Double> s = samples(exposition, metric);
        assertThat(s).as(metric).hasSize(1);
        return s.values().iterator().next();
    }

    /** What the scrapes say differs from what the interfaces show; null when they agree. */
    private String disagreement(List<String> live) throws Exception {
        Map<String, Integer> holders = new LinkedHashMap<>();
        for (String host : live) {
            String text = scrape(host);
            if (text == null) {
                return host + ": /metrics does not answer";
            }
            List<String> shown = farm.addressesOn(host);
            if (one(text, "wackamole_vips_held") != shown.size()) {
                return host + ": vips_held " + one(text, "wackamole_vips_held") + " but its interface has " + shown;
            }
            for (Map.Entry<String, Double> e : samples(text, "wackamole_vip_held").entrySet()) {
                String vip = e.getKey().replaceAll(".*vip=\"([^\"]+)\".*", "$1");
                if ((e.getValue() == 1) != shown.contains(vip)) {
                    return host + ": vip_held{" + vip + "} " + e.getValue() + " but its interface has " + shown;
                }
                holders.merge(vip, e.getValue().intValue(), Integer::sum);
            }
            if (one(text, "wackamole_view_members") != live.size()) {
                return host + ": view of " + one(text, "wackamole_view_members") + " members, " + live.size() + " live";
            }
        }
        for (String vip : JettyFarm.VIPS) {
            if (holders.getOrDefault(vip, 0) != 1) {
                return vip + " held " + holders.getOrDefault(vip, 0) + " times by the scrapes";
            }
        }
        return null;
    }

    private void awaitAgreement(List<String> live) {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> {
                last.set(disagreement(live));
                return last.get() == null;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("metrics never matched the addresses: " + last.get(), e);
        }
    }

    @Test
    @Order(1)
    void eachHostsMetricsMatchTheAddressesOnItsInterface() throws Exception {
        awaitAgreement(JettyFarm.HOSTS);
        for (String host : JettyFarm.HOSTS) {
            String text = scrape(host);
            assertThat(samples(text, "wackamole_state")).as(host).containsValue(1.0);
            assertThat(samples(text, "wackamole_state").entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).toList())
                    .as(host).singleElement().asString().contains("state=\"RUNNING\"", "node=\"" + host + "\"");
            assertThat(one(text, "wackamole_acquisitions_total")).as(host).isGreaterThanOrEqualTo(farm.addressesOn(host).size());
            assertThat(one(text, "wackamole_hook_failures_total")).as(host).isZero();
        }
    }

    @Test
    @Order(2)
    void theAcquireHookRanWithTheEnvironmentOfEachVipReallyAdded() throws Exception {
        awaitAgreement(JettyFarm.HOSTS);
        for (String host : JettyFarm.HOSTS) {
            for (String vip : farm.addressesOn(host)) {
                Path env = hooks.resolve(host + "-acquire-" + vip + ".env");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(env));
                assertThat(Files.readAllLines(env)).as(host + " " + vip).contains(
                        "WACKAMOLE_EVENT=acquire", "WACKAMOLE_VIP=" + vip, "WACKAMOLE_INTERFACE=veth0",
                        "WACKAMOLE_NODE=" + host, "WACKAMOLE_PREFIX=" + (vip.contains(":") ? "128" : "32"));
            }
            assertThat(farm.log(host)).as(host + " logs the hook's output").contains("recorded ");
        }
    }

    @Test
    @Order(3)
    void afterAKillTheTakersHooksRunAndTheirMetricsShowTheFailover() throws Exception {
        awaitAgreement(JettyFarm.HOSTS);
        List<String> lost = farm.addressesOn("h2");
        assertThat(lost).isNotEmpty();
        farm.kill("h2");
        farm.cleanup("h2"); // the stale addresses a kill -9 leaves, as the systemd unit's ExecStopPost removes them
        List<String> live = List.of("h1", "h3");
        awaitAgreement(live);
        double failovers = 0;
        List<String> lastFailover = new ArrayList<>();
        for (String host : live) {
            String text = scrape(host);
            failovers += one(text, "wackamole_failovers_total");
            lastFailover.addAll(samples(text, "wackamole_last_failover_seconds").keySet());
        }
        assertThat(failovers).isGreaterThanOrEqualTo(lost.size());
        assertThat(lastFailover).isNotEmpty();
        for (String vip : lost) {
            String taker = live.stream().filter(h -> {
                try {
                    return farm.addressesOn(h).contains(vip);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).findFirst().orElseThrow();
            Path env = hooks.resolve(taker + "-acquire-" + vip + ".env");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(env));
            assertThat(Files.readAllLines(env)).contains("WACKAMOLE_NODE=" + taker, "WACKAMOLE_VIP=" + vip);
        }
    }
}
