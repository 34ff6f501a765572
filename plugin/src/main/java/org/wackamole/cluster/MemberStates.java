package org.wackamole.cluster;

/**
 * Which {@link MemberState} a member shows, from its flags (pure; table {@code member-states.txt}).
 * The first that applies wins, in the order of the parameters: a stopped member is stopped whatever
 * else holds, a member whose view is unconfirmed after a pause is paused even if drained, and so on.
 */
final class MemberStates {
    private MemberStates() {
    }

    /**
     * @param stopped  the member has left (or was halted)
     * @param joined   it has a view and has decided a round in some view
     * @param paused   it waits for a round started after its pause
     * @param refusal  why the last decided round let it hold nothing although it asked to (DUPLICATE_NAME,
     *                 MISCONFIGURED, OBSERVING), or null
     * @param mature   it is mature
     * @param claiming it asks for a share (eligible, not leaving)
     * @param quorate  the last decided round was quorate
     */
    static MemberState of(boolean stopped, boolean joined, boolean paused, MemberState refusal, boolean mature,
                          boolean claiming, boolean quorate) {
        if (stopped) {
            return MemberState.STOPPED;
        } else if (!joined) {
            return MemberState.JOINING;
        } else if (paused) {
            return MemberState.PAUSED;
        } else if (refusal != null) {
            return refusal;
        } else if (!mature) {
            return MemberState.MATURING;
        } else if (!claiming) {
            return MemberState.DRAINED;
        } else if (!quorate) {
            return MemberState.MINORITY;
        }
        return MemberState.RUNNING;
    }
}
