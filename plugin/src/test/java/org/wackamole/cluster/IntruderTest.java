package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.wackamole.security.TestKeys;

/**
 * A member with another farm key, in one JVM over the encrypted test stack: judged from the farm's addresses and views,
 * it never gets in and never moves a VIP.
 */
class IntruderTest {
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final List<String> FARM = List.of("a", "b", "c");

    private static String[] intruderKey() {
        List<String> kv = new ArrayList<>();
        TestKeys.farm("intruder").forEach((k, v) -> {
            kv.add(k);
            kv.add(v);
        });
        return kv.toArray(String[]::new);
    }

    private static Map<String, Set<String>> farmHoldings(InJvmFarm farm) {
        Map<String, Set<String>> h = new LinkedHashMap<>();
        FARM.forEach(n -> h.put(n, farm.nodes.get(n).network.held()));
        return h;
    }

    @Test
    void aMemberWithAnotherKeyNeverEntersTheViewAndMovesNothing() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            FARM.forEach(n -> {
                try {
                    farm.start(n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            farm.awaitSettled(SETTLE);
            Map<String, Set<String>> before = farmHoldings(farm);
            String viewBefore = farm.nodes.get("a").member.status().viewId();
            // Its JOIN is encrypted with another key: the coordinator cannot read it, so start() keeps trying
            // (GMS max_join_attempts) while we watch.
            CompletableFuture<InJvmFarm.Node> intruder = CompletableFuture.supplyAsync(() -> {
                try {
                    return farm.start("x", intruderKey());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < deadline) {
                for (String n : FARM) {
                    MemberStatus st = farm.nodes.get(n).member.status();
                    assertThat(st.members()).as(n + "'s view").doesNotContain("x").hasSize(3);
                    assertThat(st.viewId()).as(n + "'s view id").isEqualTo(viewBefore);
                }
                assertThat(farmHoldings(farm)).as("the farm's VIPs never move").isEqualTo(before);
                Thread.sleep(20);
            }
            InJvmFarm.Node x = intruder.get(30, TimeUnit.SECONDS);
            assertThat(x.member.status().members()).as("the intruder's view").doesNotContainAnyElementsOf(FARM);
            // After it gave up joining: its MERGE3 and discovery-level traffic do not pull it in either.
            Thread.sleep(2000);
            for (String n : FARM) {
                assertThat(farm.nodes.get(n).member.status().members()).doesNotContain("x");
            }
            assertThat(farmHoldings(farm)).isEqualTo(before);
        }
    }

    /**
     * The promise that the intruder itself claims nothing. JGroups makes a joiner whose JOIN keeps failing a
     * singleton after GMS max_join_attempts; alone in its view, it asks discovery before it matures, sees the farm's
     * members it cannot join, and stays immature: it never claims a VIP.
     */
    @Test
    void theIntruderClaimsNothingEvenAfterItGivesUpJoining() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            for (String n : FARM) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            InJvmFarm.Node x = farm.start("x", intruderKey());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                assertThat(x.network.held()).as("the intruder's host").isEmpty();
                assertThat(x.member.status().state()).isIn(MemberState.JOINING, MemberState.MATURING);
                Thread.sleep(20);
            }
        }
    }
}
