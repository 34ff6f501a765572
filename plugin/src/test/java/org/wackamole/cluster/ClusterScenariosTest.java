package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.network.NetworkLog;

/**
 * The protocol's scenarios on real JGroups, many members in one JVM, judged from outside by the
 * invariant checker: the addresses on the hosts and the segments the farm cut, not the members' views.
 */
@Timeout(120)
class ClusterScenariosTest {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterScenariosTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /**
     * Duplicates after a heal, counted from the heal itself: MERGE3 here sends its info every
     * 0.3-0.6 s and checks every 1.5 s, then the merge view and one round: about 2.2 s at worst.
     */
    static final long MERGE_BOUND_MS = 3000;
    /**
     * A killed process's address beside its successor's: the farm's systemd clean-up runs 1 s after
     * the kill (the README's ExecStopPost, the documented remedy); 0.5 s for scheduling on 2 busy cores.
     */
    static final long STALE_AFTER_KILL_MS = 1500;

    static InvariantChecker.Report assertNoViolations(InJvmFarm farm, long maxGapMillis) {
        InvariantChecker.Report report = InvariantChecker.check(farm.log.events(),
                new InvariantChecker.Bounds(MERGE_BOUND_MS, maxGapMillis, STALE_AFTER_KILL_MS), System.nanoTime());
        LOG.info("{}: {}", farm.cluster, report.figures());
        report.staleAfterKill().forEach(LOG::info);
        if (!report.violations().isEmpty()) {
            farm.log.events().forEach(e -> LOG.info("log {}", e));
        }
        assertThat(report.violations()).as("invariant violations").isEmpty();
        return report;
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

    /**
     * A member that keeps its VIPs across a view change announces them again: the member that left may
     * have announced them in a view we never shared, and clients would stay on its MAC.
     */
    @Test
    void membersAnnounceWhatTheyKeepAtAViewChange() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            long before = farm.log.events().stream().mapToLong(NetworkLog.Event::seq).max().orElse(0);
            farm.kill("c");
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> after = farm.log.events().stream().filter(e -> e.seq() > before).toList();
            assertThat(after).as("a keeps and announces its VIP").anyMatch(e -> "a".equals(e.member())
                    && e.kind() == NetworkLog.Kind.ANNOUNCE && farm.pool.get(0).equals(e.subject()));
            assertThat(after).as("b keeps and announces its VIP").anyMatch(e -> "b".equals(e.member())
                    && e.kind() == NetworkLog.Kind.ANNOUNCE && farm.pool.get(1).equals(e.subject()));
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

    /**
     * kill -9 with the host alive: the survivors take the VIPs at once while the killed process's
     * host still has them: a double holder until the farm's systemd clean-up runs, 1 s after the kill
     * (bounded by {@link #STALE_AFTER_KILL_MS}), reported as "stale holder after kill".
     */
    @Test
    void killWithTheHostAliveLeavesAStaleHolderUntilTheCleanUp() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.startSettled(SETTLE, "a", "b", "c");
            java.util.Set<String> bHeld = farm.nodes.get("b").network.held();
            farm.kill("b");
            assertThat(farm.nodes.get("b").network.held()).as("a killed process's addresses stay on its host").isEqualTo(bHeld);
            farm.awaitSettled(SETTLE); // includes: nothing left on b's host
            InvariantChecker.Report report = assertNoViolations(farm, 2000);
            assertThat(report.staleAfterKill()).as("each of b's groups was on two hosts for a while").hasSize(bHeld.size());
            assertThat(report.longestStaleAfterKillMillis()).isPositive().isLessThanOrEqualTo(STALE_AFTER_KILL_MS);
        }
    }

    /** Without any clean-up the address stays on the killed host until its next start: the checker says so. */
    @Test
    void withoutCleanUpAKilledHostIsAStaleHolderUntilItsNextStart() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.cleanupAfterKill = null;
            farm.startSettled(SETTLE, "a", "b", "c");
            farm.kill("b");
            org.awaitility.Awaitility.await().atMost(SETTLE).until(() ->
                    farm.nodes.get("a").network.held().size() + farm.nodes.get("c").network.held().size() == 6);
            Thread.sleep(STALE_AFTER_KILL_MS + 200);
            assertThat(farm.nodes.get("b").network.held()).as("still on b's host").hasSize(2);
            farm.start("b"); // its removeStale clears the host before it joins
            farm.awaitSettled(SETTLE);
            InvariantChecker.Report report = InvariantChecker.check(farm.log.events(),
                    new InvariantChecker.Bounds(MERGE_BOUND_MS, 2000, STALE_AFTER_KILL_MS), System.nanoTime());
            LOG.info("{}: {}", farm.cluster, report.figures());
            assertThat(report.violations()).hasSize(2).allMatch(v -> v.startsWith("stale holder after kill: "));
            assertThat(report.longestStaleAfterKillMillis()).isGreaterThan(STALE_AFTER_KILL_MS);
        }
    }

    /** Host death: its addresses answer nobody, so there is no stale holder; FD_ALL3 finds it out. */
    @Test
    void hostDeathIsCoveredWithoutAStaleHolder() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.startSettled(SETTLE, "a", "b", "c");
            farm.killHost("a"); // the coordinator
            assertThat(farm.nodes.get("a").network.held()).isEmpty();
            farm.awaitSettled(SETTLE);
            // FD_ALL3 600 ms + its 100 ms interval + VERIFY_SUSPECT 100 ms, then a round: about 0.9 s.
            InvariantChecker.Report report = assertNoViolations(farm, 2000);
            assertThat(report.staleAfterKill()).isEmpty();
            assertThat(farm.holdings().values().stream().mapToInt(java.util.Set::size).sum()).isEqualTo(6);
        }
    }

    /** Repeated: the race it guards (a LEAVE overtaking the last RELEASED) showed in about 1 run of 30. */
    @org.junit.jupiter.api.RepeatedTest(10)
    void gracefulLeaveReleasesFirst() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(6)) {
            farm.startSettled(SETTLE, "a", "b", "c");
            int before = farm.log.size();
            farm.leave("b");
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> after = farm.log.events().subList(before, farm.log.size());
            // b released everything before anybody acquired it, and the gap was short.
            assertThat(after.stream().filter(e -> e.kind() == NetworkLog.Kind.RELEASE && e.member().equals("b")).count()).isEqualTo(2);
            // One message (b's RELEASED) between release and acquisition, plus scheduling on a shared
            // machine. Once this was 1 s now and then: b's LEAVE overtook its RELEASED, the coordinator
            // dropped the RELEASED as from a non-member and waited for its own view change (see
            // ClusterMember.checkHandedOver). b now leaves only after a round shows its groups held.
            assertNoViolations(farm, 200);
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
            farm.startSettled(SETTLE, "a", "b", "c");
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
            farm.startSettled(SETTLE, "a", "b", "c");
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
            farm.startSettled(SETTLE, "a", "b", "c");
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
            // Sealed: the encoded message, then its authentication tag.
            int length = m.getLength() - org.wackamole.cluster.wire.MessageAuthenticator.TAG_LENGTH;
            return org.wackamole.cluster.wire.WireCodec.decode(m.getArray(), m.getOffset(), length)
                    instanceof org.wackamole.cluster.wire.WireMessage.State s ? s.round() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void gradualBalancingMovesOneGroupPerRound() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(12, Map.of("wackamole.balance.perRound", "1", "wackamole.balance.interval", "200ms"))) {
            InJvmFarm.Node a = farm.start("a");
            farm.awaitSettled(SETTLE);
            int before = farm.log.size();
            long roundsBefore = a.member.status().counters().rounds();
            java.util.concurrent.atomic.AtomicInteger mostPending = new java.util.concurrent.atomic.AtomicInteger();
            a.member.addListener(new ClusterListener() {
                @Override
                public void statusChanged(MemberStatus status) {
                    mostPending.accumulateAndGet(status.pendingBalanceMoves(), Math::max);
                }
            });
            farm.start("b");
            farm.start("c");
            farm.awaitSettled(SETTLE);
            List<NetworkLog.Event> releases = farm.log.events().subList(before, farm.log.size()).stream()
                    .filter(e -> e.kind() == NetworkLog.Kind.RELEASE).toList();
            assertThat(releases).hasSize(8);
            // Counted in rounds, not milliseconds: the two views and the two joiners' "mature" requests
            // start rounds of their own besides the 200 ms timer, so the time eight moves take varies
            // (655 ms were seen on a loaded machine, against a bound of 700 that this test used to have).
            long rounds = a.member.status().counters().rounds() - roundsBefore;
            assertThat(rounds).as("eight moves, one per round").isGreaterThanOrEqualTo(8);
            // a's decisions left moves for later rounds (with perRound=all they would leave none).
            assertThat(mostPending.get()).as("balance moves left for later rounds").isGreaterThanOrEqualTo(4);
            assertNoViolations(farm, 1000);
        }
    }
}
