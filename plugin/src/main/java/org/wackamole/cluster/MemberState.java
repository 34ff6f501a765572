package org.wackamole.cluster;

/** Where a member is in its life, as shown over JMX. */
public enum MemberState {
    /** Connecting to the cluster; no round decided yet. */
    JOINING,
    /** In the cluster, but nobody in it is mature yet: nothing is claimed. */
    MATURING,
    /** Mature and eligible: holds its share. */
    RUNNING,
    /** In a partition smaller than {@code wackamole.quorum} (partition policy {@code quorum}): holding nothing. */
    MINORITY,
    /**
     * Running again after the process did not run for longer than peers tolerate (GC pause, SIGSTOP,
     * frozen VM): holding nothing until a round started after the pause confirms the view.
     */
    PAUSED,
    /**
     * Another member of the view, earlier in view order, already uses this {@code wackamole.node}:
     * holding nothing until the name is unique.
     */
    DUPLICATE_NAME,
    /**
     * This member's pool, partition or balance settings differ from the farm's reference (those of
     * most members; on a tie, of the first in the view): holding nothing until they agree.
     */
    MISCONFIGURED,
    /** A dry run ({@code wackamole.network=memory-in-farm}) in a cluster with real members: holding nothing. */
    OBSERVING,
    /** Drained (operator, health check or failure): in the cluster but holding nothing. */
    DRAINED,
    /** Left the cluster. */
    STOPPED
}
