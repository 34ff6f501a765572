package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./demo.sh} as a person runs it: in a terminal (a tmux pane, 120 × 50), reading the screen
 * as tmux shows it. The farm comes up with each VIP on its preferring host; {@code kill h2} moves
 * h2's VIP to a survivor on the screen; {@code move VIP h3}, {@code drain h1}, {@code resume h1} and
 * {@code status} run the overlay's wackatrl against the namespace farm; {@code quit} cleans up: exit 0, the namespaces gone, nothing about failed deletes,
 * and no terminal code on the screen but the demo's own (tmux {@code capture-pane -e} shows none).
 * Root only (namespaces), and tmux (CI installs it).
 */
@Timeout(240)
class DemoTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theInteractiveDemoShowsAKillAndAMoveAndCleansUpOnQuit() throws Exception {
        String why = JettyFarm.whyUnavailable();
        Assumptions.assumeTrue(why == null, why);
        Assumptions.assumeTrue(run(List.of("sh", "-c", "command -v tmux")).exit == 0, "tmux is not installed (CI installs it)");
        Path target = REPO.resolve("integration-tests/target");
        // demo.sh would build the project if these were missing; a test must never start a build of its own.
        assertThat(target.resolve("demo-classpath.txt")).exists();
        assertThat(target.resolve("overlay/bin/wackatrl")).isExecutable();

        String socket = "wmdemo" + ProcessHandle.current().pid();
        String prefix = null;
        try {
            assertThat(tmux(socket, "new-session", "-d", "-s", "demo", "-x", "120", "-y", "50",
                    "cd " + REPO + " && ./demo.sh; echo DEMO-EXIT=$?; sleep 120").exit).isZero();
            String screen = await(socket, Duration.ofSeconds(150), s -> s.contains("The farm is up") || s.contains("DEMO-EXIT="));
            assertThat(screen).contains("The farm is up");
            Matcher ns = Pattern.compile("namespaces (wm\\S+)-\\*").matcher(screen);
            assertThat(ns.find()).as(screen).isTrue();
            prefix = ns.group(1);
            screen = await(socket, Duration.ofSeconds(20), s -> row(s, "198.51.100.100", "h1") && row(s, "198.51.100.101", "h2")
                    && row(s, "198.51.100.102", "h3"));
            assertThat(screen).containsPattern("h1 +RUNNING").containsPattern("h2 +RUNNING").containsPattern("h3 +RUNNING");

            tmux(socket, "send-keys", "-t", "demo", "kill h2", "Enter");
            screen = await(socket, Duration.ofSeconds(20), s -> s.contains("you: kill -9 h2's Jetty")
                    && Pattern.compile("(?m)^198\\.51\\.100\\.101 +(h1|h3) +(h1|h3) +(h1|h3)").matcher(s).find());
            assertThat(screen).containsPattern("h2 +killed \\(kill -9\\)").containsPattern("198\\.51\\.100\\.101 held by h[13] \\(was ");

            tmux(socket, "send-keys", "-t", "demo", "move 198.51.100.100 h3", "Enter");
            screen = await(socket, Duration.ofSeconds(40), s -> s.contains("moved 198.51.100.100 from h1 to h3") && row(s, "198.51.100.100", "h3"));
            assertThat(screen).contains("$ wackatrl move 198.51.100.100 h3 --jmx 198.51.100.1:9010 --jmx 198.51.100.3:9010");
            tmux(socket, "send-keys", "-t", "demo", "drain h1", "Enter");
            screen = await(socket, Duration.ofSeconds(30), s -> s.contains("$ wackatrl drain") && Pattern.compile("(?m)^h1 +DRAINED").matcher(s).find());
            tmux(socket, "send-keys", "-t", "demo", "resume h1", "Enter");
            screen = await(socket, Duration.ofSeconds(30), s -> s.contains("$ wackatrl resume") && Pattern.compile("(?m)^h1 +RUNNING").matcher(s).find());
            tmux(socket, "send-keys", "-t", "demo", "status", "Enter");
            screen = await(socket, Duration.ofSeconds(30), s -> s.contains("$ wackatrl status"));

            String withCodes = tmux(socket, "capture-pane", "-p", "-e", "-t", "demo").output;
            assertThat(withCodes).as("no colours or other stray codes on the screen").doesNotContain("\033");

            tmux(socket, "send-keys", "-t", "demo", "quit", "Enter");
            screen = await(socket, Duration.ofSeconds(60), s -> s.contains("DEMO-EXIT="));
            assertThat(screen).contains("Cleaned up: Jetty processes stopped, namespaces deleted.").contains("DEMO-EXIT=0")
                    .doesNotContain("could not delete").doesNotContain("Exception");
            assertThat(run(List.of("ip", "netns", "list")).output).doesNotContain(prefix + "-");
        } finally {
            tmux(socket, "kill-server"); // the demo, if still there, gets SIGHUP and cleans up in its shutdown hook
            if (prefix != null) {
                removeLeftovers(prefix);
            }
        }
    }

    /** The VIP's row shows the host as holder, as the host answering the client and as the owner of the client's MAC. */
    private static boolean row(String screen, String vip, String host) {
        return Pattern.compile("(?m)^" + Pattern.quote(vip) + " +" + host + " +" + host + " +" + host + "\\s*$").matcher(screen).find();
    }

    private static String await(String socket, Duration timeout, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux(socket, "capture-pane", "-p", "-t", "demo").output;
            if (condition.test(screen)) {
                return screen;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the screen did not show it within " + timeout + ":\n" + screen);
    }

    /** Namespaces a failed run left behind (the demo's own clean-up is what the test checks; this is the safety net). */
    private static void removeLeftovers(String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && run(List.of("ip", "netns", "list")).output.contains(prefix + "-")) {
            Thread.sleep(200);
        }
        for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix + "-")) {
                run(List.of("ip", "netns", "del", name));
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result tmux(String socket, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), out);
    }
}
