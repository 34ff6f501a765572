package org.wackamole.allocation;

/** Why a group changes hands; in the order the engine applies its rules. */
public enum MoveReason {
    /** Several members held the group (after a merge); all but one release it. */
    CONFLICT,
    /** The holder is draining or declines the group: a planned move, it releases before the new owner acquires. */
    DRAIN,
    /** Nobody live held the group (its holder left or crashed, or the pool is new). */
    COVERAGE,
    /** A member that prefers the group takes it from one that does not. */
    PREFERENCE,
    /** Evening out the counts. */
    BALANCE
}
