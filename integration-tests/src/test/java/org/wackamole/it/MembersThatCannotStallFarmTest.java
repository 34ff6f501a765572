package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 part 2 on the namespace farm, judged from outside (the hosts' addresses, which host the client reaches):
 * a bare JGroups channel with the farm key in the view does not stall failover; a member reusing another's node name
 * and a misconfigured coordinator hold nothing while the farm goes on. Root only.
 */
@Timeout(300)
class MembersThatCannotStallFarmTest {
    private static final String STACK = "wackamole-udp.xml";
    private static final long FAILOVER_MS = 2000;

    private static void awaitPreferred(JettyFarm farm) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> a = farm.answers();
            return "h1".equals(a.get("198.51.100.100")) && "h2".equals(a.get("198.51.100.101")) && "h3".equals(a.get("198.51.100.102"));
        });
    }

    /** The hosts (of {@code hosts}) that have the VIP on their interface. */
    private static List<String> holders(JettyFarm farm, String vip, List<String> hosts) {
        return hosts.stream().filter(h -> {
            try {
                return farm.addressesOn(h).contains(vip);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static void assertOneHolderEach(JettyFarm farm, List<String> hosts) {
        for (String vip : JettyFarm.VIPS) {
            assertThat(holders(farm, vip, hosts)).as(vip + " on exactly one of " + hosts).hasSize(1);
        }
    }

    @Test
    void aBareChannelWithTheKeyDoesNotStallFailover() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-silent"), STACK)) {
            for (String h : JettyFarm.HOSTS) {
                farm.start(h);
            }
            awaitPreferred(farm);
            farm.startBareChannel("c", "x", STACK); // from the client's namespace: another machine on the LAN
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> farm.log("h1").contains("going on without them"));
            assertThat(farm.log("h1")).contains("No state from [x]");
            awaitPreferred(farm); // nothing moved for it

            String vip = "198.51.100.101"; // h2's
            long killed = System.nanoTime();
            farm.kill("h2");
            long covered = -1;
            long answered = -1;
            while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(10) && (covered < 0 || answered < 0)) {
                if (covered < 0 && !holders(farm, vip, List.of("h1", "h3")).isEmpty()) {
                    covered = (System.nanoTime() - killed) / 1_000_000;
                }
                String who = answered < 0 ? farm.ask(vip, 100) : null;
                if (who != null && !who.equals("h2")) {
                    answered = (System.nanoTime() - killed) / 1_000_000;
                }
                Thread.sleep(10);
            }
            System.out.printf("silent member present, kill -9 of h2: %s on a survivor after %d ms, answered by a survivor after %d ms%n",
                    vip, covered, answered);
            assertThat(covered).as("on a survivor's interface (ms after the kill)").isBetween(0L, FAILOVER_MS);
            assertThat(answered).as("answered by a survivor (ms after the kill)").isBetween(0L, FAILOVER_MS);
            assertThat(holders(farm, vip, List.of("h1", "h3"))).hasSize(1);
        }
    }

    /**
     * h3 calls itself h1, and h3's twin joins later: it holds nothing (state DUPLICATE_NAME) and every VIP is on
     * exactly one of h1, h2; a second farm starts h3 first with another balance setting, so the misconfigured member
     * coordinates: it holds nothing (MISCONFIGURED) and h1, h2 hold the whole pool.
     */
    @Test
    void aDuplicateNameAndAMisconfiguredCoordinatorHoldNothing() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-dup"), STACK)) {
            farm.setting("h3", "wackamole.node", "h1");
            farm.start("h1");
            farm.start("h2");
            farm.start("h3");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "DUPLICATE_NAME".equals(farm.status("h3").state()));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertOneHolderEach(farm, List.of("h1", "h2")));
            for (int i = 0; i < 20; i++) { // and it stays so: judged from h3's interface
                assertThat(farm.addressesOn("h3")).isEmpty();
                Thread.sleep(100);
            }
            assertOneHolderEach(farm, JettyFarm.HOSTS);
            assertThat(farm.log("h3")).contains("already calls itself 'h1'");
            assertThat(farm.log("h1")).contains("Members using a name already taken hold nothing");
        }
        try (JettyFarm farm = new JettyFarm(Files.createTempDirectory("wackamole-misconf"), STACK)) {
            farm.setting("h3", "wackamole.balance.perRound", "1");
            farm.start("h3"); // first: the JGroups coordinator, and alone it holds the pool at first
            farm.start("h1");
            farm.start("h2");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "MISCONFIGURED".equals(farm.status("h3").state()));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(farm.addressesOn("h3")).isEmpty();
                assertOneHolderEach(farm, List.of("h1", "h2"));
            });
            assertThat(farm.status("h1").state()).isEqualTo("RUNNING");
            assertThat(farm.log("h3")).contains("My configuration differs").contains("balance.perRound=1");
            assertThat(farm.log("h1")).contains("Configurations differ").contains("h3: balance.perRound=1 (reference: balance.perRound=all)");
        }
    }
}
