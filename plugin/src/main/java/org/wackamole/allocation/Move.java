package org.wackamole.allocation;

import java.util.Objects;

/**
 * One change of hands.
 *
 * @param group  identity of the VIP group
 * @param from   a live member that holds the group now and must release it, or null when no live member
 *               holds it (nothing to wait for: the new owner may acquire at once)
 * @param to     the new owner, or null when no member is eligible
 * @param reason the rule that asked for the move
 */
public record Move(String group, String from, String to, MoveReason reason) {

    public Move {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(reason, "reason");
        if (from == null && to == null) {
            throw new IllegalArgumentException("a move of " + group + " needs a source or a target");
        }
    }

    @Override
    public String toString() {
        return group + ": " + (from == null ? "-" : from) + " -> " + (to == null ? "-" : to) + " (" + reason + ")";
    }
}
