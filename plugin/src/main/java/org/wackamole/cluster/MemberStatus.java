package org.wackamole.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wackamole.network.HandoverMode;

/**
 * A consistent snapshot of one member, published after every protocol step, for JMX, status pages
 * and tests. The allocation is the latest decision this member applied (identity to owner, null owner
 * when nobody may hold the group). {@code handoverMode} is how this member's planned moves go (JMX
 * {@code HandoverMode}): make before break when its host is set up for it, else release before acquire.
 * {@code silentMembers}: members of the view the rounds go without (they sent no state when asked);
 * {@code configDifferences}: how members' configurations differ from the farm's reference, one line each.
 */
public record MemberStatus(
        MemberState state,
        String cluster,
        String node,
        List<String> members,
        String coordinator,
        String viewId,
        int round,
        Set<String> held,
        Map<String, String> allocation,
        int pendingBalanceMoves,
        Counters counters,
        String lastConflict,
        HandoverMode handoverMode,
        List<String> silentMembers,
        List<String> configDifferences) {

    public MemberStatus {
        silentMembers = List.copyOf(silentMembers);
        configDifferences = List.copyOf(configDifferences);
    }

    /**
     * Monotonic counters since start.
     *
     * @param pauses    times this process did not run for longer than a peer may tolerate (it then let go of its VIPs)
     * @param conflicts times another host was seen answering for a pool address (see {@code lastConflict})
     * @param droppedMessages every message not applied: stale ones (an older view or round, normal around view changes)
     *                        and the rejected ones
     * @param rejectedMessages messages refused as no member of this view following the protocol writes them: failed
     *                         authentication, malformed or out of range, from outside the view, too far ahead, or
     *                         beyond a buffer's bound
     */
    public record Counters(long acquisitions, long releases, long announcements, long failovers,
                           long lastFailoverMillis, long droppedMessages, long rounds, long pauses, long conflicts,
                           long rejectedMessages) {
    }

    static MemberStatus initial(String cluster, String node) {
        return new MemberStatus(MemberState.JOINING, cluster, node, List.of(), null, null, 0, Set.of(), Map.of(), 0,
                new Counters(0, 0, 0, 0, -1, 0, 0, 0, 0, 0), null, HandoverMode.RELEASE_BEFORE_ACQUIRE, List.of(), List.of());
    }
}
