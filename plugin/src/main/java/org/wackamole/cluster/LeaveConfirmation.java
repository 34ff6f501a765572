package org.wackamole.cluster;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * When a leaving member may disconnect (pure: the member feeds it and acts on its answer; table
 * {@code leaves.txt}). A leaving member is done once a decision without it has been applied, it
 * holds nothing, and a decided round shows peers holding what it let go of. Not before: its last
 * RELEASED is a multicast, and the LEAVE that disconnecting sends is a unicast that can overtake it;
 * the coordinator then drops the RELEASED as from a non-member, and its new owner there waits for its
 * own view change instead (which JGroups delivers only after FD_SOCK2 has connected to the next
 * neighbour, up to 1 s when that neighbour is slow to answer) or for the 1 s release wait. Peers
 * seen holding the groups (or acquiring nothing that waits for this member) prove every RELEASED
 * was delivered while this member was still in the view. Confined to the protocol thread.
 */
final class LeaveConfirmation {

    enum Step {
        /** Disconnect now. */
        DONE,
        /** Ask for a round that shows the peers holding what was let go of (asked once per decision). */
        CONFIRM,
        /** Nothing to do until the next decision. */
        WAIT
    }

    /** While leaving: the groups it let go of. */
    private final Set<String> handedAway = new LinkedHashSet<>();
    /** What the other members of the last decided round said they held. */
    private Map<String, ? extends Collection<String>> lastClaims = Map.of();
    /** Whether this decision's check of the hand-over already asked for a round to see it confirmed. */
    private boolean confirmAsked;

    /** The member let go of {@code group} while leaving. */
    void handedAway(String group) {
        handedAway.add(group);
    }

    /** A round was decided: what its other members said they held (this member's own claim left out). */
    void decided(Map<String, ? extends Collection<String>> othersClaims) {
        lastClaims = new java.util.HashMap<>(othersClaims);
        confirmAsked = false;
    }

    /**
     * @param joined       false when the member is stopped or has no view: nothing to wait for
     * @param leaving      whether the member is leaving
     * @param decided      whether the member's current round is decided
     * @param excluded     whether that decision let this member hold nothing
     * @param holdsNothing whether the member holds no group now
     * @param owners       the last decision: group to owner (absent or null: nobody may hold it)
     */
    Step next(boolean joined, boolean leaving, boolean decided, boolean excluded, boolean holdsNothing,
              Map<String, String> owners) {
        if (!joined) {
            return Step.DONE;
        }
        if (leaving && decided && excluded && holdsNothing) {
            if (peersHold(handedAway, owners, lastClaims)) {
                return Step.DONE;
            }
            if (!confirmAsked) {
                confirmAsked = true;
                return Step.CONFIRM;
            }
        }
        return Step.WAIT;
    }

    /** Whether each group is claimed by a peer in the last decided round, or may be held by nobody (so nobody waits for it). */
    static boolean peersHold(Set<String> groups, Map<String, String> owners, Map<String, ? extends Collection<String>> claims) {
        for (String g : groups) {
            if (owners.get(g) != null && claims.values().stream().noneMatch(c -> c.contains(g))) {
                return false;
            }
        }
        return true;
    }
}
