package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's other two demo lines, verbatim, with their output read as a person reads it (no
 * terminal: what a pipe or a CI log gets). {@code --tour}: the farm up, h2 killed, its VIP answered by
 * a survivor, h2 back with it, everything cleaned up. {@code --local}: the in-JVM farm, which needs no
 * root, and says why it runs.
 */
@Timeout(300)
class DemoTourTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theTourKillsAndRestartsH2AndCleansUp() throws Exception {
        String why = JettyFarm.whyUnavailable();
        Assumptions.assumeTrue(why == null, why);
        String before = run(List.of("ip", "netns", "list"), 30).output;
        Result tour = run(List.of("sh", "-c", "cd " + REPO + " && ./demo.sh --tour"), 240);
        String out = tour.output;
        assertThat(tour.exit).as(out).isZero();
        assertThat(out).contains(">>> kill -9 h2").contains(">>> restarting h2")
                .contains("Cleaned up: Jetty processes stopped, namespaces deleted.")
                .doesNotContain("could not delete").doesNotContain("Exception").doesNotContain("\033");
        String killed = section(out, "[h2 killed, t=4s]");
        assertThat(killed).as(out).containsPattern("(?m)^198\\.51\\.100\\.101 +(h1|h3) +(h1|h3) ");
        // h2 takes its preferred VIP back as soon as it has joined: some table of the last six shows it.
        assertThat(out).contains("[h2 back, t=0s]");
        String back = out.substring(out.indexOf("[h2 back, t=0s]"));
        assertThat(back).as(out).containsPattern("(?m)^198\\.51\\.100\\.101 +h2 +h2 +h2");
        assertThat(run(List.of("ip", "netns", "list"), 30).output).isEqualTo(before);
    }

    @Test
    void localRunsTheInJvmFarmAndSaysSo() throws Exception {
        Assumptions.assumeTrue(Files.exists(REPO.resolve("integration-tests/target/demo-classpath.txt")),
                "the build writes demo-classpath.txt (run through Maven)");
        Result local = run(List.of("sh", "-c", "cd " + REPO + " && ./demo.sh --local"), 120);
        assertThat(local.exit).as(local.output).isZero();
        assertThat(local.output).contains("You asked for --local.")
                .contains("Running the same three members inside this one Java process instead")
                .containsPattern("198\\.51\\.100\\.\\d+").doesNotContain("Exception");
    }

    /** The table printed under {@code title}, up to the next title. */
    private static String section(String out, String title) {
        int at = out.indexOf(title);
        assertThat(at).as("'" + title + "' in\n" + out).isNotNegative();
        int next = out.indexOf("\n[", at + title.length());
        return out.substring(at, next < 0 ? out.length() : next);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("demo", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroy(); // SIGTERM: the demo's shutdown hook cleans up
                p.waitFor(30, TimeUnit.SECONDS);
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish in " + seconds + " s:\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
