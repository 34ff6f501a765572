package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host whose kernel refuses one VIP (IPv6 disabled on its interface) hands only that VIP to a
 * member that can hold it, and keeps serving its share of the others. Judged from the hosts'
 * addresses and the client's answers. Root only.
 */
@Timeout(240)
class FailedAcquireFarmTest {
    private static final String V6 = "2001:db8::100";

    @Test
    void aVipOneHostCannotHoldGoesToAnotherAndTheHostKeepsTheRest() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-refuse"), "wackamole-udp.xml")) {
            // h2's kernel refuses every IPv6 address on veth0 (EACCES), before any member starts.
            farm.network().exec("h2", "sysctl", "-q", "-w", "net.ipv6.conf.veth0.disable_ipv6=1");
            farm.start("h2");
            // Alone (after maturity) h2 is asked to hold the whole pool: it takes the IPv4 VIPs and keeps failing the IPv6 one.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> farm.addressesOn("h2").containsAll(JettyFarm.VIPS.subList(0, 3)));
            assertThat(farm.addressesOn("h2")).doesNotContain(V6);
            assertThat(farm.status("h2").state()).isEqualTo("RUNNING");

            farm.start("h1");
            farm.start("h3");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, String> a = farm.answers();
                return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101"))
                        && "h3".equals(a.get("198.51.100.102")) && a.get(V6) != null;
            });
            Map<String, String> answers = farm.answers();
            assertThat(answers.get(V6)).isIn("h1", "h3");
            for (String vip : JettyFarm.VIPS) {
                long holders = JettyFarm.HOSTS.stream().filter(h -> {
                    try {
                        return farm.addressesOn(h).contains(vip);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).count();
                assertThat(holders).as(vip + " on exactly one host").isEqualTo(1);
            }
            assertThat(farm.log("h2")).contains("Could not acquire veth0:[" + V6 + "]/128")
                    .contains("Leaving it to another member");
            assertThat(farm.status("h2").state()).isEqualTo("RUNNING");
        }
    }
}
