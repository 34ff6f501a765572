package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Views split while discovery still answers ({@link InJvmFarm#split}): the clients reach every host, so
 * only one side may hold (SplitSides). Judged from the recording networks, every holder counted.
 */
class SplitScenariosTest {
    private static final Logger LOG = LoggerFactory.getLogger(SplitScenariosTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /**
     * Two holders of one group while the split is being found out: each side excludes the other after
     * FD_ALL3's 600 ms + VERIFY_SUSPECT's 100 ms, at about the same time, then the smaller side asks
     * discovery (answered in milliseconds) and lets go; scheduling slack on 2 busy cores. Without the
     * rule both sides hold every group for as long as the split lasts.
     */
    private static final long SPLIT_DOUBLE_MS = 1000;
    /**
     * A member whose view keeps a peer that speaks in another view finds out when the coordinator names
     * that peer silent ({@link SilentMembers#WAIT_MS}), then asks discovery: the split's detection, that
     * wait, the answer, and slack.
     */
    private static final long CUT_DOUBLE_MS = 2500;

    @Test
    void aMemberCutOffFromItsPeersButAnsweringHoldsNothing() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            List<List<String>> sides = List.of(List.of("a", "b"), List.of("c"));
            farm.split(sides);
            awaitSides(farm, "c", Set.of("a", "b"));
            Thread.sleep(2000); // it stays so: its re-checks keep finding the larger side
            assertThat(farm.nodes.get("c").network.held()).isEmpty();
            assertThat(farm.nodes.get("c").member.status().state()).isEqualTo(MemberState.MINORITY);
            farm.heal();
            farm.awaitSettled(SETTLE);
            assertThat(farm.nodes.get("c").network.held()).contains(farm.pool.get(2));
            // a and b take c's group when they exclude it, not knowing it is alive: c holds it until it finds
            // itself alone and asks. That acquisition is the one allowed; its double holding is bounded.
            assertDoubleHoldsAtMost(farm, SPLIT_DOUBLE_MS, "a acquired " + farm.pool.get(2) + " while c", "b acquired " + farm.pool.get(2) + " while c");
        }
    }

    /**
     * A member that reconnects (its interface came back; no round confirmed the view after a pause) and
     * whose JOIN's answer never reaches it ends up alone in a view of its own, mature: judged by nothing it
     * took the whole pool beside the farm (the TCP soak: 12-26 s of two holders until MERGE3). Judged
     * against the view it left, it is the smaller side: it holds nothing until a view joins them.
     */
    @Test
    void aMemberWhoseRejoinGoesUnansweredHoldsNothingBesideTheFarm() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            farm.deafen("c");
            farm.nodes.get("c").member.rejoin("a test's reconnect");
            awaitSides(farm, "c", Set.of("a", "b"));
            farm.heal();
            farm.awaitSettled(SETTLE);
            assertDoubleHoldsAtMost(farm, SPLIT_DOUBLE_MS);
        }
    }

    /** The TCP stack's failure on the farm: the coordinator's host dies and the two survivors starve at once. */
    @Test
    void survivorsThatSplitAfterTheCoordinatorsHostDiedLeaveOneHolder() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            farm.split(List.of(List.of("b"), List.of("c")));
            farm.killHost("a");
            // b ranks before c in the last view they shared: b holds everything, c nothing.
            awaitSides(farm, "c", Set.of("b"));
            assertThat(farm.nodes.get("b").network.held()).hasSize(3);
            farm.heal();
            farm.awaitSettled(SETTLE);
            assertDoubleHoldsAtMost(farm, SPLIT_DOUBLE_MS);
        }
    }

    /**
     * A split in steps, as a lossy host's came on the TCP farm: first one member alone against two, then
     * the two apart too. Judged against the whole last view, the first-ranked alone ends up holding every
     * group (it yielded to the pair, then finds three sides of one and ranks first) and the others nothing.
     */
    @Test
    void aSplitInStepsLeavesOneHolder() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startSettled(SETTLE, "a", "b", "c");
            farm.split(List.of(List.of("a"), List.of("b", "c")));
            awaitSides(farm, "a", Set.of("b", "c"));
            farm.split(List.of(List.of("a"), List.of("b"), List.of("c")));
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(farm.nodes.get("a").network.held()).hasSize(3);
                assertThat(farm.nodes.get("b").network.held()).isEmpty();
                assertThat(farm.nodes.get("c").network.held()).isEmpty();
                assertThat(farm.nodes.get("b").member.status().state()).isEqualTo(MemberState.MINORITY);
            });
            farm.heal();
            farm.awaitSettled(SETTLE);
        }
    }

    /**
     * The TCP soak's 20 % loss on one host: two members each excluded the other while the third still heard
     * both. One made itself coordinator of a view with the third, which the third installed; the other's view
     * kept the third as a member that never answered there. Each took the other's groups, two holders until
     * MERGE3 (seconds; for as long as the cut lasts here). Counting the members that do not speak in its view
     * as departed, the member alone in practice finds the larger side in discovery and lets go.
     */
    @Test
    void aMemberWhoseViewKeepsAPeerThatSpeaksElsewhereHoldsNothing() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            farm.cut("a", "b");
            Thread.sleep(6000);
            farm.live().forEach(n -> LOG.info("{} during the cut: {} {} holds {}", n.name, n.member.status().state(),
                    n.member.status().members(), n.network.held()));
            farm.heal();
            farm.awaitSettled(SETTLE);
            // Each of a and b takes the other's group when it excludes it: the one of them whose view keeps c
            // holds it until c is named silent there. Those acquisitions are the allowed ones, bounded.
            assertDoubleHoldsAtMost(farm, CUT_DOUBLE_MS, "a acquired " + farm.pool.get(1) + " while b",
                    "b acquired " + farm.pool.get(0) + " while a");
        }
    }

    /**
     * Excluded unawares: the others stop hearing c, exclude it and take its group, while c, still hearing their
     * heartbeats, keeps its view and its group (on the TCP soak a lossy coordinator excluded a healthy member
     * so; two holders until MERGE3 merged the views, 5-9 s). The others' MERGE3 INFO tells c that they are in
     * another view: it lets go.
     */
    @Test
    void aMemberExcludedUnawaresLetsGoWhenItsPeersReportAnotherView() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            farm.mute("c");
            awaitSides(farm, "c", Set.of("a", "b"));
            Thread.sleep(1000);
            assertThat(farm.nodes.get("c").network.held()).as("c, still in its old view, holds nothing").isEmpty();
            farm.heal();
            farm.awaitSettled(SETTLE);
            // c may take a round more to hold its group again after the farm first looks settled (seen once under load).
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(20))
                    .until(() -> farm.nodes.get("c").network.held().contains(farm.pool.get(2)));
            // a and b take c's group when they exclude it: c lets go when a asks whether it is dead, or else when
            // their INFO arrives (every 300-600 ms here) past the grace after its view. Bounded if it happens.
            assertDoubleHoldsAtMost(farm, CUT_DOUBLE_MS, "a acquired " + farm.pool.get(2) + " while c", "b acquired " + farm.pool.get(2) + " while c");
        }
    }

    /**
     * A member that suspects most of its view at once lets go then, before VERIFY_SUSPECT has verified anything
     * and before the others, who exclude it, take its group: on the TCP soak the lossy host let go only at its own
     * view change, 0.2-1 s after the others took its VIPs (its checks of them were answered; theirs of it were not).
     */
    @Test
    void aMemberThatSuspectsMostOfItsViewLetsGoBeforeItsViewChanges() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            cOffLetsGoFirstThenHeal(farm, () -> farm.split(List.of(List.of("a", "b"), List.of("c"))));
        }
    }

    /**
     * The others stop hearing c, while c hears them and suspects nobody: the coordinator asks c whether it is dead
     * before it excludes c, and c lets go then, before a and b take its group (on the TCP soak under loss the others
     * took such a member's VIPs 0.1-1 s before it learnt of its exclusion from their INFO). No double holding at all.
     */
    @Test
    void aMemberTheCoordinatorAsksWhetherItIsDeadLetsGoBeforeItIsExcluded() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            cOffLetsGoFirstThenHeal(farm, () -> farm.mute("c"));
            assertDoubleHoldsAtMost(farm, 0);
        }
    }

    /**
     * Asked whether it is dead by a coordinator that then keeps it (its reply arrived): c lets go, and holds its group
     * again once the coordinator's INFO reports their view past the verification, with no view change.
     */
    @Test
    void aMemberAskedWhetherItIsDeadButKeptHoldsAgain() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            InJvmFarm.Node c = farm.nodes.get("c");
            InJvmFarm.Node a = farm.live().stream().filter(n -> n.address().toString().equals(c.member.status().coordinator()))
                    .findFirst().orElseThrow();
            assertThat(a).isNotSameAs(c);
            String viewBefore = c.member.status().viewId();
            String own = farm.pool.get(2);
            assertThat(c.network.held()).containsExactly(own);
            askWhetherDead(a, c);
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(2)).until(() -> c.network.held().isEmpty());
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(20)).until(() -> c.network.held().contains(own));
            assertThat(c.member.status().viewId()).as("no view change").isEqualTo(viewBefore);
            farm.awaitSettled(SETTLE);
            ClusterScenariosTest.assertNoViolations(farm, 2000);
        }
    }

    /**
     * Fast kill-and-restarts: d and e killed and started again, then b and c killed. Counted against the last whole
     * view, the dead incarnations of d and e outnumbered a's side [a, d, e] and a let go of everything for a discovery
     * round; back in the view under new addresses, they are on no side.
     */
    @Test
    void deadIncarnationsOfRestartedMembersOutnumberNobody() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(5)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c", "d", "e");
            InJvmFarm.Node a = farm.nodes.get("a");
            farm.kill("d");
            farm.kill("e");
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(10)).until(() -> a.member.status().members().size() == 3);
            farm.start("d", "wackamole.prefer", farm.pool.get(3));
            farm.start("e", "wackamole.prefer", farm.pool.get(4));
            farm.awaitSettled(SETTLE);
            String own = farm.pool.get(0);
            farm.kill("b");
            farm.kill("c");
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < end) {
                assertThat(a.network.held()).as("a keeps its own group").contains(own);
                Thread.sleep(2);
            }
            farm.awaitSettled(SETTLE);
        }
    }

    /**
     * Two of three hosts die at once: the survivor, outnumbered by the departed and hearing none of them, cannot tell
     * that from a lossy link of its own, lets go of its own group and takes everything only once they count as dead
     * (three missed discovery rounds and 3 s). That wait is the price of the lone lossy host not taking every VIP.
     */
    @Test
    void aLoneSurvivorOfTwoHostDeathsTakesEverythingOnceTheyCountAsDead() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            InJvmFarm.Node a = farm.nodes.get("a");
            long killed = System.nanoTime();
            farm.killHost("b");
            farm.killHost("c");
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(2)).until(() -> a.network.held().isEmpty());
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(10)).until(() -> a.network.held().size() == 3);
            LOG.info("two host deaths: the survivor held every group {} ms after the kill", (System.nanoTime() - killed) / 1_000_000);
            // Detection (FD_ALL3 600 ms here), then three missed rounds and 3 s since first asked: 4.5 s when measured.
            ClusterScenariosTest.assertNoViolations(farm, 8000);
        }
    }

    /**
     * A lossy link that stalls c's cluster traffic, discovery too, while ARP still crosses: c, outnumbered and hearing
     * none of the others, lets go; after three silent rounds it would count them dead and take every group beside
     * them (the TCP soak under loss). Their hosts answer ARP for the group c let go of: they took it, so they are alive.
     */
    @Test
    void aLoneMemberThatHearsNobodyButSeesItsGroupAnsweredElsewhereKeepsYielding() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b", "c");
            InJvmFarm.Node c = farm.nodes.get("c");
            farm.isolate(List.of(List.of("a", "b"), List.of("c")));
            awaitSides(farm, "c", Set.of("a", "b"));
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < end) {
                assertThat(c.network.held()).as("c, hearing nobody, holds nothing").isEmpty();
                Thread.sleep(5);
            }
            farm.heal();
            farm.awaitSettled(SETTLE);
            assertThat(c.network.held()).contains(farm.pool.get(2));
            assertDoubleHoldsAtMost(farm, CUT_DOUBLE_MS, "a acquired " + farm.pool.get(2) + " while c", "b acquired " + farm.pool.get(2) + " while c");
        }
    }

    /**
     * Another member's host announces a group a member holds (what a member of another view that took it does, with
     * a gratuitous ARP): the holder lets go at once rather than defend it, and does not take it back before its retry,
     * so that one host answers. Here b's host takes a's group behind b's member.
     */
    @Test
    void aMemberLetsGoOfAGroupAnotherMembersHostAnnounces() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(2)) {
            farm.startEachPreferringItsOwn(SETTLE, "a", "b");
            InJvmFarm.Node a = farm.nodes.get("a");
            InJvmFarm.Node b = farm.nodes.get("b");
            String g = farm.pool.get(0);
            assertThat(a.network.held()).contains(g);
            long announced = System.nanoTime();
            b.network.acquire(b.config.group(g));
            Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1)).until(() -> !a.network.held().contains(g));
            long letGo = (System.nanoTime() - announced) / 1_000_000;
            LOG.info("a let go of {} {} ms after b's host announced it", g, letGo);
            assertThat(letGo).isLessThan(500);
            long end = announced + Duration.ofMillis(800).toNanos();
            while (System.nanoTime() < end) {
                assertThat(a.network.held()).as("a does not take it back before its retry").doesNotContain(g);
                Thread.sleep(5);
            }
            b.network.release(b.config.group(g));
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(10)).until(() -> a.network.held().contains(g));
        }
    }

    /** What VERIFY_SUSPECT sends when it suspects {@code to}: its header is built from its wire form (type 1, sender). */
    private static void askWhetherDead(InJvmFarm.Node from, InJvmFarm.Node to) throws Exception {
        VerifySuspect verify = from.member.channel().getProtocolStack().findProtocol(VerifySuspect.class);
        org.jgroups.util.ByteArrayDataOutputStream out = new org.jgroups.util.ByteArrayDataOutputStream(64);
        out.writeShort(1);
        org.jgroups.util.Util.writeAddress(from.address(), out);
        org.jgroups.protocols.VERIFY_SUSPECT.VerifyHeader hdr = new org.jgroups.protocols.VERIFY_SUSPECT.VerifyHeader();
        hdr.readFrom(new org.jgroups.util.ByteArrayDataInputStream(out.buffer(), 0, out.position()));
        assertThat(VerifySuspect.typeOf(hdr)).isEqualTo((short) 1);
        verify.down(new org.jgroups.EmptyMessage(to.address()).putHeader(verify.getId(), hdr));
    }

    /** A real partition answers nothing across it: each side covers every group (partition=all), as before. */
    @Test
    void aPartitionThatDiscoveryCannotCrossStillCoversBothSides() throws Exception {
        try (InJvmFarm farm = new InJvmFarm(3)) {
            farm.startSettled(SETTLE, "a", "b", "c");
            List<List<String>> sides = List.of(List.of("a", "b"), List.of("c"));
            farm.partition(sides);
            // c, outnumbered by the departed, holds nothing until its discovery finds them silent, then takes every group.
            Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(farm.nodes.get("c").network.held()).hasSize(3);
                assertThat(farm.nodes.get("c").member.status().state()).isEqualTo(MemberState.RUNNING);
            });
            farm.awaitSettled(SETTLE, sides);
            farm.heal();
            farm.awaitSettled(SETTLE);
            ClusterScenariosTest.assertNoViolations(farm, 2000);
        }
    }

    /** Cuts c off: it lets go while its view still has a and b, and holds nothing beside them; healed, the farm settles. */
    private static void cOffLetsGoFirstThenHeal(InJvmFarm farm, Runnable cut) {
        InJvmFarm.Node c = farm.nodes.get("c");
        cut.run();
        Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(2)).until(() -> c.network.held().isEmpty());
        assertThat(c.member.status().members()).as("c let go while its view still had a and b").hasSize(3);
        awaitSides(farm, "c", Set.of("a", "b"));
        farm.heal();
        farm.awaitSettled(SETTLE);
    }

    private static void awaitSides(InJvmFarm farm, String yielding, Set<String> holding) {
        Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(farm.nodes.get(yielding).network.held()).as(yielding + " holds").isEmpty();
            assertThat(farm.nodes.get(yielding).member.status().state()).isEqualTo(MemberState.MINORITY);
            long held = holding.stream().mapToLong(n -> farm.nodes.get(n).network.held().size()).sum();
            Set<String> all = new java.util.HashSet<>();
            holding.forEach(n -> all.addAll(farm.nodes.get(n).network.held()));
            assertThat(all).as("the larger side covers the pool once").hasSize(farm.pool.size());
            assertThat(held).isEqualTo(farm.pool.size());
        });
    }

    private static void assertDoubleHoldsAtMost(InJvmFarm farm, long millis, String... allowed) {
        InvariantChecker.Report report = InvariantChecker.check(farm.log.events(),
                new InvariantChecker.Bounds(millis, 2000, ClusterScenariosTest.STALE_AFTER_KILL_MS), System.nanoTime());
        LOG.info("{}: {}", farm.cluster, report.figures());
        if (!report.violations().isEmpty()) {
            farm.log.events().forEach(e -> LOG.info("log {}", e));
        }
        assertThat(report.violations().stream().filter(v -> java.util.Arrays.stream(allowed).noneMatch(v::contains)))
                .as("invariant violations").isEmpty();
        assertThat(report.longestDuplicateMillis()).as("longest double holding, ms").isLessThanOrEqualTo(millis);
    }
}
