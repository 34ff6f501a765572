package org.wackamole.cluster;

/** Callbacks from a member's protocol thread: keep them short and never block. */
public interface ClusterListener {
    default void acquired(String group) {
    }

    default void released(String group) {
    }

    default void statusChanged(MemberStatus status) {
    }

    /**
     * Another host answers for an address of the group: {@code member} names the former member whose
     * kernel still answers (a stale holder), or is null for a host outside the cluster.
     */
    default void conflict(String group, String address, String mac, String member) {
    }
}
