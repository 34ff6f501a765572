package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanWaitsTest {

    private static RoundPlan plan(Map<String, Set<String>> awaitRelease, Map<String, Set<String>> awaitReannounce,
                                  Map<String, String> awaitPrepared) {
        return new RoundPlan(List.of(), List.of(), awaitRelease, awaitReannounce, List.of(), List.of(), awaitPrepared, Map.of());
    }

    @Test
    void aGroupIsAcquiredOnTheLastOfItsHoldersReleases() {
        PlanWaits w = new PlanWaits();
        w.awaitReleases(plan(Map.of("v1", Set.of("A", "B"), "v2", Set.of("C")), Map.of(), Map.of()));
        assertThat(w.awaitedReleases()).containsExactlyInAnyOrder("v1", "v2");
        assertThat(w.releasedForAcquire("v1", "A")).isFalse();
        assertThat(w.releasedForAcquire("v1", "C")).as("not a holder of v1").isFalse();
        assertThat(w.releasedForAcquire("v1", null)).as("a sender not in the round").isFalse();
        assertThat(w.releasedForAcquire("v1", "B")).isTrue();
        assertThat(w.releasedForAcquire("v1", "B")).as("once").isFalse();
        assertThat(w.awaitedReleases()).containsExactly("v2");
        assertThat(w.releasedForReannounce("v2", "C")).as("another kind of wait").isFalse();
        assertThat(w.releasedForAcquire("v2", "C")).isTrue();
        assertThat(w.awaitsRelease()).isFalse();
    }

    @Test
    void aKeptGroupIsAnnouncedAgainOnceTheLosersReleased() {
        PlanWaits w = new PlanWaits();
        w.awaitReleases(plan(Map.of(), Map.of("v1", Set.of("B")), Map.of()));
        assertThat(w.awaitsRelease()).as("re-announcements are not acquisitions").isFalse();
        assertThat(w.releasedForAcquire("v1", "B")).isFalse();
        assertThat(w.releasedForReannounce("v1", "B")).isTrue();
        assertThat(w.releasedForReannounce("v1", "B")).isFalse();
    }

    @Test
    void aHandOverWaitsForItsNewOwnersPreparedOnly() {
        PlanWaits w = new PlanWaits();
        w.awaitPrepared(Map.of("v1", "B"));
        w.awaitPrepared(Map.of("v2", "C"));
        assertThat(w.awaitedPrepared()).isEqualTo(Map.of("v1", "B", "v2", "C"));
        assertThat(w.preparedBy("v1", "C")).isFalse();
        assertThat(w.preparedBy("v1", null)).isFalse();
        assertThat(w.preparedBy("v1", "B")).isTrue();
        assertThat(w.preparedBy("v1", "B")).as("once").isFalse();
        assertThat(w.takeAwaitingPrepared()).containsExactly("v2");
        assertThat(w.awaitsPrepared()).isFalse();
        assertThat(w.takeAwaitingPrepared()).isEmpty();
    }

    @Test
    void releasesHeldOnlyBySilentMembersAreTold() {
        PlanWaits w = new PlanWaits();
        w.awaitReleases(plan(Map.of("v1", Set.of("(silent 0)"), "v2", Set.of("(silent 0)", "B")), Map.of(), Map.of()));
        assertThat(w.releasesOnlyFrom(Set.of("(silent 0)"))).isFalse();
        assertThat(w.releasedForAcquire("v2", "B")).isFalse();
        assertThat(w.releasesOnlyFrom(Set.of("(silent 0)"))).isTrue();
        assertThat(new PlanWaits().releasesOnlyFrom(Set.of())).as("nothing awaited").isTrue();
    }

    @Test
    void lettingGoOfEverythingDropsMovesButNotReannouncements() {
        PlanWaits w = new PlanWaits();
        w.awaitReleases(plan(Map.of("v1", Set.of("A")), Map.of("v2", Set.of("B")), Map.of()));
        w.awaitPrepared(Map.of("v3", "C"));
        w.dropMoves();
        assertThat(w.awaitsRelease()).isFalse();
        assertThat(w.awaitsPrepared()).isFalse();
        assertThat(w.releasedForReannounce("v2", "B")).isTrue();

        w.awaitReleases(plan(Map.of("v1", Set.of("A")), Map.of("v2", Set.of("B")), Map.of()));
        w.dropReannounces();
        assertThat(w.releasedForReannounce("v2", "B")).isFalse();
        assertThat(w.awaitsRelease()).isTrue();
        w.clear();
        assertThat(w.awaitsRelease()).isFalse();
        assertThat(w.releasedForReannounce("v2", "B")).isFalse();
    }
}
