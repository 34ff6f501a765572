package org.wackamole.cluster;

import java.util.List;
import java.util.Map;

/**
 * The member's side of the split rule ({@link SplitSides}) across views and discovery rounds (pure; confined
 * to the protocol thread). The departed are counted against the last view before they left, the
 * <em>reference</em>, kept while any of them may be alive, so that a split that comes in steps (three members
 * falling apart one view at a time) is judged against the whole; forgotten once every departed member
 * missed its rounds ({@link DepartedAnswers}) or is back in the view. While the view may be the smaller side
 * and discovery has not answered, the member takes nothing ({@link #mayAcquire}); on the smaller side it
 * holds nothing ({@link #yields}).
 *
 * @param <A> member addresses
 */
final class SplitWatch<A> {
    /** What a view change asks for: the departed to ask discovery about (none: nothing to ask), and whether the member may hold again. */
    record ViewStep<A>(List<A> departed, boolean holdsAgain) {
    }

    /** What a round of discovery changes: the member starts yielding, takes over, or neither; and whether to ask again. */
    enum Change { NONE, YIELD, TAKE_OVER }

    record Answer<A>(Change change, List<A> alive, boolean askAgain) {
    }

    private List<A> reference;
    private DepartedAnswers<A> answers = new DepartedAnswers<>();
    private boolean asking;
    private boolean yields;

    /**
     * @param before   the previous view's members that asked for a share (null: this is the first view)
     * @param members  the new view's
     * @param applies  whether the split rule applies ({@code partition=all})
     */
    ViewStep<A> viewChanged(List<A> before, List<A> members, boolean applies) {
        boolean wasYielding = yields;
        List<A> last = reference != null ? reference : before;
        List<A> departed = last == null ? List.of() : departed(last, members);
        if (!applies || departed.isEmpty()) {
            reference = null;
            asking = false;
            yields = false;
            return new ViewStep<>(List.of(), wasYielding);
        }
        if (reference == null) {
            answers = new DepartedAnswers<>();
        }
        reference = last;
        if (SplitSides.mayLose(last, members)) {
            asking = !yields;
        } else {
            asking = false;
            yields = false;
        }
        return new ViewStep<>(departed, wasYielding && !yields);
    }

    /**
     * One round of discovery in the view of {@code members}.
     *
     * @param fresh         who answered, with whether as a coordinator
     * @param silenceCounts whether a missing answer counts as a miss: the round waited its full time and
     *                      this host could hear (its cluster interface is up)
     */
    Answer<A> answered(List<A> members, Map<A, Boolean> fresh, boolean silenceCounts) {
        if (reference == null) {
            return new Answer<>(Change.NONE, List.of(), false);
        }
        List<A> departed = departed(reference, members);
        answers.heard(departed, fresh, silenceCounts);
        Map<A, Boolean> alive = answers.alive();
        Change change = Change.NONE;
        if (SplitSides.loses(reference, members, alive)) {
            change = yields ? Change.NONE : Change.YIELD;
            asking = false;
            yields = true;
        } else if ((asking || yields) && (silenceCounts || fresh.keySet().containsAll(departed))) {
            // A round whose silence proves nothing (cut short, the interface down, a rejoin just made)
            // decides only once every departed member answered; until then the member waits as it was.
            change = Change.TAKE_OVER;
            asking = false;
            yields = false;
        }
        boolean dead = answers.allDead(departed);
        if (dead) {
            reference = null;
        }
        return new Answer<>(change, departed.stream().filter(alive::containsKey).toList(), !dead);
    }

    /** The last view before the departed left, while they may be alive; null otherwise. */
    List<A> reference() {
        return reference;
    }

    boolean mayAcquire() {
        return !asking && !yields;
    }

    boolean asking() {
        return asking;
    }

    boolean yields() {
        return yields;
    }

    private static <A> List<A> departed(List<A> last, List<A> members) {
        return last.stream().filter(a -> !members.contains(a)).toList();
    }
}
