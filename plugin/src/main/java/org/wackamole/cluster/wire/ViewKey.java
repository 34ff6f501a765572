package org.wackamole.cluster.wire;

/**
 * Names one JGroups view on the wire: the creator's UUID and the view number. Two partitions can
 * reach the same number, so the creator is part of the key.
 */
public record ViewKey(long creatorHigh, long creatorLow, long id) {
    @Override
    public String toString() {
        return Long.toHexString(creatorHigh ^ creatorLow) + "|" + id;
    }
}
