package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A member paused (SIGSTOP) longer than failure detection drops its VIPs as soon as it runs again. Root only. */
@Timeout(240)
class PauseFarmTest {

    @Test
    void aPausedMemberLetsGoAtOnceWhenItResumes() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-pause"), "wackamole-udp.xml")) {
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            try {
                run(farm);
            } catch (Throwable t) {
                for (String h : JettyFarm.HOSTS) {
                    System.out.println("---- " + h);
                    Files.writeString(java.nio.file.Path.of("target", "pause-farm-" + h + ".log"), farm.log(h));
                    farm.log(h).lines().filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("view") || l.contains("cquired")
                            || l.contains("eleased") || l.contains("Rejoin")).limit(80).forEach(System.out::println);
                }
                throw t;
            }
        }
    }

    private void run(JettyFarm farm) throws Exception {
        {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, String> a = farm.answers();
                return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101"))
                        && "h3".equals(a.get("198.51.100.102")) && a.get("2001:db8::100") != null;
            });
            long pid = farm.pid("h2");
            List<String> report = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                // Back after the previous pause: by a MERGE3 merge, or by reconnecting 10 s on if none came.
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> "h2".equals(farm.answers().get("198.51.100.101")));
                new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
                long stopped = System.nanoTime();
                long doubleSince = -1;
                long doubleTotal = 0;
                while (System.nanoTime() - stopped < 3_000_000_000L) {
                    boolean twice = farm.addressesOn("h2").contains("198.51.100.101")
                            && (farm.addressesOn("h1").contains("198.51.100.101") || farm.addressesOn("h3").contains("198.51.100.101"));
                    long t = System.nanoTime();
                    if (twice && doubleSince < 0) {
                        doubleSince = t;
                    } else if (!twice && doubleSince >= 0) {
                        doubleTotal += t - doubleSince;
                        doubleSince = -1;
                    }
                    Thread.sleep(5);
                }
                new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
                long resumed = System.nanoTime();
                long gone = -1;
                while (System.nanoTime() - resumed < 5_000_000_000L) {
                    if (farm.addressesOn("h2").isEmpty()) {
                        gone = System.nanoTime();
                        break;
                    }
                    Thread.sleep(2);
                }
                if (doubleSince >= 0) {
                    doubleTotal += (gone < 0 ? System.nanoTime() : gone) - doubleSince;
                }
                String line = "run " + run + ": addresses gone " + (gone < 0 ? "never" : (gone - resumed) / 1_000_000 + " ms")
                        + " after SIGCONT; VIP on two hosts for " + doubleTotal / 1_000_000 + " ms";
                System.out.println(line);
                report.add(line);
                assertThat(gone).as(line).isPositive();
                assertThat((gone - resumed) / 1_000_000).as(line).isLessThan(1000);
            }
            System.out.println(farm.log("h2").lines().filter(l -> l.contains("did not run") || l.contains("Rejoined")).toList());
        }
    }
}
