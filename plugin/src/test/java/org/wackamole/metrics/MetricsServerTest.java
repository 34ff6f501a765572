package org.wackamole.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wackamole.config.ConfigException;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.runtime.Scheduler;
import org.wackamole.runtime.WackamoleRuntime;
import org.wackamole.testing.DryRunSettings;

/** The real runtime serving /metrics on loopback (an ephemeral port), scraped over HTTP. */
@Timeout(60)
class MetricsServerTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<WackamoleRuntime> runtimes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String cluster = "metrics-" + CLUSTERS.incrementAndGet() + "-" + ProcessHandle.current().pid();

    @AfterEach
    void tearDown() {
        runtimes.forEach(WackamoleRuntime::stop);
        timer.shutdownNow();
    }

    private WackamoleRuntime runtime(String node, String... keyValues) {
        WackamoleRuntime r = new WackamoleRuntime();
        Map<String, String> s = DryRunSettings.of(cluster, node, "198.51.100.10,198.51.100.11,198.51.100.12", keyValues);
        s.putIfAbsent("wackamole.metrics.address", "127.0.0.1:0");
        s.forEach(r::set);
        runtimes.add(r);
        return r;
    }

    private HttpResponse<String> get(InetSocketAddress a, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the one sample whose name and labels start with {@code series}, e.g. {@code wackamole_vips_held{}. */
    static double sample(String exposition, String series) {
        List<String> lines = exposition.lines().filter(l -> l.startsWith(series)).toList();
        assertThat(lines).as(series + " in\n" + exposition).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void theScrapeShowsWhatJmxShows(@TempDir Path dir) throws Exception {
        Path failing = dir.resolve("acquire");
        Files.writeString(failing, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwx------"));
        WackamoleRuntime a = runtime("m1", "wackamole.prefer", "198.51.100.10", "wackamole.hook.acquire", failing.toString());
        WackamoleRuntime b = runtime("m2");
        a.start(Scheduler.of(timer), List.of());
        b.start(Scheduler.of(timer), List.of());
        a.serving();
        b.serving();
        WackamoleMXBean ma = a.management();
        WackamoleMXBean mb = b.management();
        Awaitility.await().atMost(WAIT).until(() -> ma.getHeldVips().length + mb.getHeldVips().length == 3
                && ma.getMembers().length == 2 && ma.getHookFailures() == ma.getAcquisitions());

        HttpResponse<String> response = get(a.metricsAddress(), "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain; version=0.0.4");
        String text = response.body();
        // A dry run (network=memory) joins a cluster of its own, named after the farm.
        String labels = "{cluster=\"" + cluster + org.wackamole.config.WackamoleConfig.DRY_RUN_SUFFIX + "\",node=\"m1\"";
        assertThat(sample(text, "wackamole_vips_held" + labels)).isEqualTo(ma.getHeldVips().length);
        assertThat(sample(text, "wackamole_pool_groups" + labels)).isEqualTo(3);
        assertThat(sample(text, "wackamole_view_members" + labels)).isEqualTo(2);
        assertThat(sample(text, "wackamole_acquisitions_total" + labels)).isEqualTo(ma.getAcquisitions());
        assertThat(sample(text, "wackamole_hook_failures_total" + labels)).isEqualTo(ma.getHookFailures()).isPositive();
        assertThat(sample(text, "wackamole_hook_runs_total" + labels)).isEqualTo(ma.getHookRuns());
        assertThat(sample(text, "wackamole_dropped_messages_total" + labels)).isEqualTo(ma.getDroppedMessages());
        assertThat(sample(text, "wackamole_state" + labels + ",state=\"RUNNING\"}")).isEqualTo(1);
        assertThat(sample(text, "wackamole_state" + labels + ",state=\"DRAINED\"}")).isEqualTo(0);
        assertThat(sample(text, "wackamole_vip_held" + labels + ",vip=\"198.51.100.10\"}")).as("preferred").isEqualTo(1);
        assertThat(text).contains("# HELP wackamole_failovers_total ", "# TYPE wackamole_vips_held gauge");

        // Summed over both members' scrapes, every VIP is held exactly once.
        String other = get(b.metricsAddress(), "/metrics").body();
        String labelsB = "{cluster=\"" + cluster + org.wackamole.config.WackamoleConfig.DRY_RUN_SUFFIX + "\",node=\"m2\"";
        for (String vip : List.of("198.51.100.10", "198.51.100.11", "198.51.100.12")) {
            double held = sample(text, "wackamole_vip_held" + labels + ",vip=\"" + vip + "\"}")
                    + sample(other, "wackamole_vip_held" + labelsB + ",vip=\"" + vip + "\"}");
            assertThat(held).as(vip).isEqualTo(1);
        }
        assertThat(text).doesNotContain("wackamole_last_failover_seconds"); // nobody failed over yet

        assertThat(get(a.metricsAddress(), "/").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.metricsAddress().getPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);

        // Stopped with the runtime: the port is closed.
        InetSocketAddress was = a.metricsAddress();
        a.stop();
        assertThat(a.metricsAddress()).isNull();
        assertThatThrownBy(() -> get(was, "/metrics")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void anAddressInUseFailsTheStartNamingTheSettingAndTouchesNothing() throws Exception {
        WackamoleRuntime a = runtime("m1");
        a.start(Scheduler.of(timer), List.of());
        // start() returns before the first view is published: wait for it, or "b never joined" below reads nothing.
        Awaitility.await().atMost(WAIT).until(() -> a.management().getMembers().length == 1);
        int port = a.metricsAddress().getPort();
        WackamoleRuntime b = runtime("m2", "wackamole.metrics.address", "127.0.0.1:" + port);
        assertThatThrownBy(() -> b.start(Scheduler.of(timer), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("wackamole.metrics.address='127.0.0.1:" + port + "': cannot listen there: ");
        assertThat(b.isRunning()).isFalse();
        assertThat(b.dryRunLog().events()).isEmpty();
        assertThat(a.management().getMembers()).hasSize(1); // b never joined
    }
}
