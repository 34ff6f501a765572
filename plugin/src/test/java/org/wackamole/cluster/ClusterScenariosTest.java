package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.network.NetworkLog;

/** The protocol's scenarios on real JGroups, many members in one JVM, checked by the invariant checker. */
@Timeout(120)
class ClusterScenariosTest {
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private static void assertNoViolations(InJvmFarm farm, long maxGapMillis) {
        List<String> violations = InvariantChecker.check(farm.log.events(), 1500, maxGapMillis, System.nanoTime());
        assertThat(violations).as("invariant violations").isEmpty();
    }

    @Test
    void oneToEightMembersSettleBalanced() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(12)) {
            for (int i = 1; i <= 8; i++) {
                String[] prefer = i <= 3 ? new String[] {"wackamole.prefer", farm.pool.get(i - 1)} : new String[0];
                farm.start("n" + i, prefer);
                farm.awaitSettled(SETTLE);
            }
            Map<String, Integer> counts = farm.holdings().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
            assertThat(counts.values()).allMatch(c -> c == 1 || c == 2);
            assertThat(farm.holdings().get("n1")).contains(farm.pool.get(0));
            assertThat(farm.holdings().get("n3")).contains(farm.pool.get(2));
            assertNoViolations(farm, 2000);
        }
    }

    @Test
    void aLoneMemberWaitsForMaturity() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(4, Map.of("wackamole.mature", "1s"))) {
            long start = System.nanoTime();
            InJvmFarm.Node a = farm.start("a");
            Thread.sleep(400);
            assertThat(a.network.held()).as("nothing claimed while maturing").isEmpty();
            assertThat(a.member.status().state()).isEqualTo(MemberState.MATURING);
            farm.awaitSettled(SETTLE);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1000);
            assertThat(a.network.held()).hasSize(4);
            // A member joining a mature cluster is mature at once: it does not wait its own timer.
            long join = System.nanoTime();
            farm.start("b");
            farm.awaitSettled(SETTLE);
            assertThat((System.nanoTime() - join) / 1_000_000).isLessThan(1000);
        }
    }

    @Test
    void killedCoordinatorAndNonCoordinatorAreCovered() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(8)) {
            for (String n : List.of("a", "b", "c", "d")) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            farm.kill("a"); // the coordinator: first to join
            farm.awaitSettled(SETTLE);
            farm.kill("c");
            farm.awaitSettled(SETTLE);
            assertThat(farm.holdings().values().stream().mapToInt(java.util.Set::size).sum()).isEqualTo(8);
            assertNoViolations(farm, 2000);
            assertThat(farm.nodes.get("b").member.status().counters().failovers()
                    + farm.nodes.get("d").member.status().counters().failovers()).isGreaterThan(0);
        }
    }

    @Test
    void gracefulLeaveReleasesFirst() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            for (String n : List.of("a", "b", "c")) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            int before = farm.log.size();
            farm.leave("b");
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> after = farm.log.events().subList(before, farm.log.size());
            // b released everything before anybody acquired it, and the gap was short.
            assertThat(after.stream().filter(e -> e.kind() == NetworkLog.Kind.RELEASE && e.member().equals("b")).count()).isEqualTo(2);
            assertNoViolations(farm, 500);
        }
    }

    @Test
    void partitionThenHealLeavesOneHolderAndReannounces() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(8)) {
            for (String n : List.of("a", "b", "c", "d")) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            List<List<String>> halves = List.of(List.of("a", "b"), List.of("c", "d"));
            farm.partition(halves);
            farm.awaitSettled(SETTLE, halves); // each half covers the whole pool (Wackamole's policy)
            int beforeHeal = farm.log.size();
            farm.heal();
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> after = farm.log.events().subList(beforeHeal, farm.log.size());
            assertThat(after).anyMatch(e -> e.kind() == NetworkLog.Kind.ANNOUNCE);
            assertNoViolations(farm, 2000);
        }
    }

    @Test
    void rejoiningMemberGetsItsPreferredGroupBackAndNothingElseMoves() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(9)) {
            farm.start("a", "wackamole.prefer", farm.pool.get(0));
            farm.start("b", "wackamole.prefer", farm.pool.get(1));
            farm.start("c", "wackamole.prefer", farm.pool.get(2));
            farm.awaitSettled(SETTLE);
            farm.leave("a");
            farm.awaitSettled(SETTLE);
            int before = farm.log.size();
            farm.nodes.remove("a");
            farm.start("a", "wackamole.prefer", farm.pool.get(0));
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> after = farm.log.events().subList(before, farm.log.size());
            long released = after.stream().filter(e -> e.kind() == NetworkLog.Kind.RELEASE).count();
            assertThat(farm.holdings().get("a")).contains(farm.pool.get(0)).hasSize(3);
            assertThat(released).as("only what a takes moves").isEqualTo(3);
            assertNoViolations(farm, 2000);
        }
    }

    @Test
    void quorumMinorityHoldsNothing() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6, Map.of("wackamole.partition", "quorum", "wackamole.quorum", "2"))) {
            for (String n : List.of("a", "b", "c")) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            List<List<String>> split = List.of(List.of("a", "b"), List.of("c"));
            farm.partition(split);
            farm.awaitSettled(SETTLE, split);
            assertThat(farm.nodes.get("c").network.held()).isEmpty();
            assertThat(farm.nodes.get("a").network.held().size() + farm.nodes.get("b").network.held().size()).isEqualTo(6);
            farm.heal();
            farm.awaitSettled(SETTLE);
            assertNoViolations(farm, 2000);
        }
    }

    @Test
    void drainAndResume() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            for (String n : List.of("a", "b", "c")) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            farm.nodes.get("b").member.drain();
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("b").network.held()).isEmpty();
            assertThat(farm.nodes.get("b").member.status().state()).isEqualTo(MemberState.DRAINED);
            farm.nodes.get("b").member.resume();
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("b").network.held()).hasSize(2);
            assertNoViolations(farm, 1000);
        }
    }

    @Test
    void operatorMovesAGroupAwayAsAPlannedMove() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(4)) {
            farm.start("a", "wackamole.prefer", farm.pool.get(0));
            farm.start("b");
            farm.awaitSettled(SETTLE);
            String g = farm.pool.get(0);
            assertThat(farm.nodes.get("a").network.held()).contains(g);
            farm.nodes.get("a").member.moveAway(g);
            org.awaitility.Awaitility.await().atMost(SETTLE).until(() -> farm.nodes.get("b").network.held().contains(g)
                    && farm.nodes.get("a").network.held().size() == 2);
            farm.nodes.get("a").member.takeBack();
            farm.awaitSettled(SETTLE); // preferred again: back on a
            assertThat(farm.nodes.get("a").network.held()).contains(g);
            assertNoViolations(farm, 1000);
        }
    }

    /**
     * One member misses another's state (JGroups only notices such a loss at the sender's next
     * message): the others complete the round, and it must ask for another instead of waiting.
     */
    @Test
    void aMemberThatMissesAStateAsksForAnotherRound() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            for (String n : List.of("a", "b", "c")) {
                farm.start(n);
            }
            farm.awaitSettled(SETTLE);
            // c loses b's state of the next round for good (retransmissions included).
            java.util.concurrent.atomic.AtomicInteger lostRound = new java.util.concurrent.atomic.AtomicInteger(-1);
            org.jgroups.Address b = farm.nodes.get("b").address();
            farm.nodes.get("c").drop.addUpFilter(m -> {
                int r = stateRound(m);
                return b.equals(m.getSrc()) && r >= 0 && (lostRound.compareAndSet(-1, r) || lostRound.get() == r);
            });
            farm.nodes.get("b").member.drain(); // the round that follows hands b's groups to a and c
            farm.awaitSettled(SETTLE);
            assertThat(lostRound.get()).isPositive();
            assertThat(farm.nodes.get("c").network.held()).hasSize(3);
            assertNoViolations(farm, 4000);
        }
    }

    /** The round of a STATE message, or -1 for anything else. */
    private static int stateRound(org.jgroups.Message m) {
        try {
            return org.wackamole.cluster.wire.WireCodec.decode(m.getArray(), m.getOffset(), m.getLength())
                    instanceof org.wackamole.cluster.wire.WireMessage.State s ? s.round() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void gradualBalancingMovesOneGroupPerRound() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(12, Map.of("wackamole.balance.perRound", "1", "wackamole.balance.interval", "200ms"))) {
            farm.start("a");
            farm.awaitSettled(SETTLE);
            int before = farm.log.size();
            farm.start("b");
            farm.start("c");
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> releases = farm.log.events().subList(before, farm.log.size()).stream()
                    .filter(e -> e.kind() == NetworkLog.Kind.RELEASE).toList();
            assertThat(releases).hasSize(8);
            long spreadMillis = (releases.get(7).nanos() - releases.get(0).nanos()) / 1_000_000;
            assertThat(spreadMillis).as("eight moves need at least seven balance rounds").isGreaterThanOrEqualTo(7 * 200 / 2);
            assertNoViolations(farm, 1000);
        }
    }
}
