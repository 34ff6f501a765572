package org.wackamole.cluster;

/** Callbacks from a member's protocol thread: keep them short and never block. */
public interface ClusterListener {
    default void acquired(String group) {
    }

    default void released(String group) {
    }

    default void statusChanged(MemberStatus status) {
    }
}
