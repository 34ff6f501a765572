package org.wackamole.config;

/** What members do when the cluster splits. */
public enum PartitionPolicy {
    /** Wackamole's: every partition keeps every VIP covered; duplicates are resolved at the merge. */
    ALL,
    /** A partition with fewer than {@code wackamole.quorum} members holds nothing. */
    QUORUM
}
