package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP stack (no multicast; peers from wackamole.jgroups.initialHosts) on the real farm. Root only. */
@Timeout(180)
class TcpFarmTest {

    @Test
    void tcpStackFormsTheClusterAndFailsOver() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-tcp"), "wackamole-tcp.xml")) {
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, String> a = farm.answers();
                return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101"))
                        && "h3".equals(a.get("198.51.100.102")) && a.get("2001:db8::100") != null;
            });
            farm.kill("h2");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> farm.answers().values().stream().allMatch(n -> "h1".equals(n) || "h3".equals(n)));
            assertThat(farm.answers().get("198.51.100.101")).isIn("h1", "h3");
        }
    }
}
