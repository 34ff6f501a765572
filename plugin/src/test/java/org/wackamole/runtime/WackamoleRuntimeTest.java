package org.wackamole.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.network.NetworkLog;
import org.wackamole.testing.DryRunSettings;

/** The runtime without any server: the lifecycle calls an adapter makes, on the in-memory network. */
@Timeout(60)
class WackamoleRuntimeTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final WackamoleRuntime runtime = new WackamoleRuntime();

    WackamoleRuntimeTest() {
        DryRunSettings.of("runtime-test-" + CLUSTERS.incrementAndGet() + "-" + ProcessHandle.current().pid(), "rt1",
                "198.51.100.10,198.51.100.11").forEach(runtime::set);
    }

    @AfterEach
    void tearDown() {
        runtime.stop();
        timer.shutdownNow();
    }

    @Test
    void drainReasonsFollowTheLifecycleAndAnOperatorDrainOutlivesARestart() throws Exception {
        WackamoleMXBean mx = runtime.management();
        assertThat(mx.getState()).isEqualTo("STOPPED");
        runtime.start(Scheduler.of(timer), List.of());
        assertThat(mx.getDrainReasons()).containsExactly("STARTING");
        assertThat(mx.getState()).isEqualTo("JOINING");
        assertThatThrownBy(() -> runtime.set("wackamole.weight", "2")).hasMessageContaining("wackamole.weight");
        Thread.sleep(300);
        assertThat(runtime.dryRunLog().events()).noneMatch(e -> e.kind() == NetworkLog.Kind.ACQUIRE);

        runtime.serving();
        Awaitility.await().atMost(WAIT).until(() -> mx.getHeldVips().length == 2);
        mx.drain();
        Awaitility.await().atMost(WAIT).until(() -> mx.getHeldVips().length == 0);
        assertThat(mx.getDrainReasons()).containsExactly("OPERATOR");

        runtime.stopping();
        assertThat(mx.getDrainReasons()).containsExactly("OPERATOR", "LEAVING");
        assertThat(runtime.handOver()).as("idempotent").isDone();
        runtime.stop();
        runtime.stop();
        assertThat(mx.getState()).isEqualTo("STOPPED");

        runtime.start(Scheduler.of(timer), List.of());
        runtime.serving();
        assertThat(mx.getDrainReasons()).containsExactly("OPERATOR");
        Thread.sleep(300);
        assertThat(mx.getHeldVips()).isEmpty();
        mx.resume();
        Awaitility.await().atMost(WAIT).until(() -> mx.getHeldVips().length == 2);
    }

    /**
     * {@code wackamole.security=none} shows in JMX and warns at every start, not only the first: a farm left
     * unprotected after a test must not go unnoticed in a later restart's log. (slf4j-simple writes to whatever
     * System.err is when it logs, so the test reads the warning there.)
     */
    @Test
    void securityShowsInJmxAndNoneWarnsAtEveryStart() throws Exception {
        WackamoleMXBean mx = runtime.management();
        assertThat(mx.getSecurity()).as("never started").isEmpty();
        String secured = capturingStderr(() -> runtime.start(Scheduler.of(timer), List.of()));
        assertThat(mx.getSecurity()).isEqualTo("encrypted+authenticated");
        assertThat(secured).doesNotContain("wackamole.security=none");
        runtime.stop();

        runtime.set("wackamole.security", "none");
        for (int start = 1; start <= 2; start++) {
            String log = capturingStderr(() -> runtime.start(Scheduler.of(timer), List.of()));
            assertThat(mx.getSecurity()).isEqualTo("none");
            assertThat(log).as("start " + start).contains("WARN").contains("wackamole.security=none: cluster traffic is "
                    + "neither encrypted nor authenticated");
            runtime.stop();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static String capturingStderr(Step step) throws Exception {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                copy.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                copy.write(b, off, len);
            }
        }, true));
        try {
            step.run();
        } finally {
            System.setErr(original);
        }
        return copy.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void anUnreadableConfigFileNamesTheFile(@TempDir Path dir) {
        runtime.setConfigFile(dir.resolve("missing.properties"));
        assertThatThrownBy(() -> runtime.start(Scheduler.of(timer), List.of())).hasMessageContaining("missing.properties");
        assertThat(runtime.isRunning()).isFalse();
    }

    /**
     * The crash clean-up file exists exactly while the member may hold addresses: written at start,
     * gone after a clean stop and after a start that failed; a path it cannot use stops the start,
     * naming the key. (What it says for a real pool: {@code CleanupBatchTableTest}; a dry run holds nothing.)
     */
    @Test
    void theCleanupFileLivesWhileTheMemberRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run/wackamole/cleanup.batch");
        runtime.set("wackamole.cleanup.file", file.toString());
        assertThatThrownBy(() -> runtime.start(Scheduler.of(timer), List.of()))
                .hasMessage("wackamole.cleanup.file='" + file + "': cannot write the crash clean-up file: no such directory " + file.getParent());
        assertThat(runtime.isRunning()).isFalse();

        runtime.set("wackamole.cleanup.file", "run/cleanup.batch");
        assertThatThrownBy(() -> runtime.start(Scheduler.of(timer), List.of()))
                .hasMessage("wackamole.cleanup.file='run/cleanup.batch': must be an absolute path (e.g. /run/wackamole/cleanup.batch)");

        java.nio.file.Files.createDirectories(file.getParent());
        runtime.set("wackamole.cleanup.file", file.toString());
        runtime.start(Scheduler.of(timer), List.of());
        assertThat(java.nio.file.Files.readAllLines(file)).as("a dry run holds nothing: comments only").isNotEmpty()
                .allMatch(l -> l.startsWith("# "));
        try (java.nio.file.DirectoryStream<Path> in = java.nio.file.Files.newDirectoryStream(file.getParent())) {
            assertThat(in).as("no temporary file left beside it").containsExactly(file);
        }
        runtime.stop();
        assertThat(file).as("removed at a clean stop").doesNotExist();

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            runtime.set("wackamole.metrics.address", "127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> runtime.start(Scheduler.of(timer), List.of())).hasMessageContaining("wackamole.metrics.address");
        }
        assertThat(file).as("removed after a start that failed past writing it").doesNotExist();
    }

    @Test
    void stopWithoutStartIsHarmless() {
        runtime.stopping();
        runtime.stop();
        assertThat(runtime.management().getState()).isEqualTo("STOPPED");
    }
}
