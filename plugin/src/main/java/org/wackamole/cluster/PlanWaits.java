package org.wackamole.cluster;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the applied {@link RoundPlan} still waits for: groups to acquire once every holder has said
 * RELEASED, groups kept here to announce again once the losers of a conflict have let go, and groups
 * held here to hand over once their new owner has said PREPARED. Members are named as in the round.
 * The member acts on what the methods return; a new round abandons every wait before the member
 * answers it. Confined to the protocol thread.
 */
final class PlanWaits {
    /** Group to the members whose RELEASED is still due before it is acquired here. */
    private final Map<String, Set<String>> awaitingRelease = new HashMap<>();
    /** Group kept here to the members whose RELEASED is still due before it is announced again. */
    private final Map<String, Set<String>> awaitingReannounce = new HashMap<>();
    /** Group held here to the new owner whose PREPARED is still due before it is handed over. */
    private final Map<String, String> awaitingPrepared = new LinkedHashMap<>();

    /** Follows the plan's hand-overs that wait for the new owner's PREPARED. */
    void awaitPrepared(Map<String, String> plan) {
        awaitingPrepared.putAll(plan);
    }

    /** Follows the plan's acquisitions and re-announcements that wait for RELEASED. */
    void awaitReleases(RoundPlan plan) {
        plan.awaitRelease().forEach((g, from) -> awaitingRelease.put(g, new HashSet<>(from)));
        plan.awaitReannounce().forEach((g, from) -> awaitingReannounce.put(g, new HashSet<>(from)));
    }

    /** {@code who} released {@code group}: whether that was the last release its acquisition waited for (then it waits no more). */
    boolean releasedForAcquire(String group, String who) {
        return lastOf(awaitingRelease, group, who);
    }

    /** {@code who} released {@code group}: whether that was the last release its re-announcement waited for. */
    boolean releasedForReannounce(String group, String who) {
        return lastOf(awaitingReannounce, group, who);
    }

    private static boolean lastOf(Map<String, Set<String>> waits, String group, String who) {
        Set<String> waiting = waits.get(group);
        if (waiting != null && waiting.remove(who) && waiting.isEmpty()) {
            waits.remove(group);
            return true;
        }
        return false;
    }

    /** {@code who} prepared {@code group}: whether the group waited for that member's PREPARED (then it waits no more). */
    boolean preparedBy(String group, String who) {
        if (who != null && who.equals(awaitingPrepared.get(group))) {
            awaitingPrepared.remove(group);
            return true;
        }
        return false;
    }

    /** The hand-overs still waiting for a PREPARED, taken out: their bound ran out. */
    List<String> takeAwaitingPrepared() {
        List<String> late = List.copyOf(awaitingPrepared.keySet());
        awaitingPrepared.clear();
        return late;
    }

    /** Whether every group waiting to be acquired waits only for members among {@code names} (e.g. the silent ones). */
    boolean releasesOnlyFrom(Set<String> names) {
        return awaitingRelease.values().stream().allMatch(names::containsAll);
    }

    boolean awaitsRelease() {
        return !awaitingRelease.isEmpty();
    }

    boolean awaitsPrepared() {
        return !awaitingPrepared.isEmpty();
    }

    /** The groups waiting to be acquired (for logs). */
    Set<String> awaitedReleases() {
        return Collections.unmodifiableSet(awaitingRelease.keySet());
    }

    /** The hand-overs waiting for a PREPARED, group to new owner (for logs). */
    Map<String, String> awaitedPrepared() {
        return Collections.unmodifiableMap(awaitingPrepared);
    }

    /** The member let go of everything: it neither acquires on a RELEASED nor hands over on a PREPARED any more. */
    void dropMoves() {
        awaitingRelease.clear();
        awaitingPrepared.clear();
    }

    void dropReannounces() {
        awaitingReannounce.clear();
    }

    void clear() {
        awaitingRelease.clear();
        awaitingReannounce.clear();
        awaitingPrepared.clear();
    }
}
