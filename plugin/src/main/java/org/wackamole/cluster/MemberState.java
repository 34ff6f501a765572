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
    /** Drained (operator, health check or failure): in the cluster but holding nothing. */
    DRAINED,
    /** Left the cluster. */
    STOPPED
}
