package org.wackamole.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The member's side of the split rule ({@link SplitSides}) across views and discovery rounds (pure; confined
 * to the protocol thread). The departed are counted against the last view before they left, the
 * <em>reference</em>, kept while any of them may be alive, so that a split that comes in steps (three members
 * falling apart one view at a time) is judged against the whole; forgotten once every departed member
 * missed its rounds ({@link DepartedAnswers}) or is back in the view. While the view may be the smaller side
 * and discovery has not answered, the member takes nothing ({@link #mayAcquire}); on the smaller side it
 * holds nothing ({@link #yields}). A side is the members of a view that speak in it: a view can keep a member
 * that installed another view, where it speaks.
 *
 * @param <A> member addresses
 */
final class SplitWatch<A> {
    /**
     * What a view change asks for: the departed to ask discovery about (none: nothing to ask), whether the member
     * may hold again, and whether it lets go now (the departed outnumber its side).
     */
    record ViewStep<A>(List<A> departed, boolean holdsAgain, boolean yieldsNow) {
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
     * @param members  the new side: the members of the view that speak in it
     * @param view     the whole view (its silent members are no sign of another side by themselves)
     * @param applies  whether the split rule applies ({@code partition=all})
     */
    ViewStep<A> viewChanged(List<A> before, List<A> members, List<A> view, boolean applies) {
        boolean wasYielding = yields;
        List<A> last = reference != null ? reference : before;
        List<A> departed = last == null ? List.of() : departed(last, members);
        if (!applies || departed.isEmpty()) {
            reference = null;
            asking = false;
            yields = false;
            return new ViewStep<>(List.of(), wasYielding, false);
        }
        if (reference == null) {
            answers = new DepartedAnswers<>();
        }
        reference = last;
        if (SplitSides.mayLose(last, members) && departed.size() > members.size() && !view.containsAll(departed)) {
            // Outnumbered: alive, the departed alone are the larger side, and what we hold they may be taking now
            // (a lossy host alone in its view kept its VIPs beside the others' until its discovery, lossy too,
            // answered). Nothing held until discovery settles it ({@link #answered}): a double death costs the lone
            // survivor its own VIPs until the others count as dead.
            // Members silent in our view, and no one outside it, are hung or strangers: asked about, not yielded to.
            asking = false;
            yields = true;
        } else if (SplitSides.mayLose(last, members)) {
            asking = !yields;
        } else {
            asking = false;
            yields = false;
        }
        return new ViewStep<>(departed, wasYielding && !yields, yields && !wasYielding);
    }

    /**
     * One round of discovery for the side of {@code members} in {@code view}.
     *
     * @param members       the side: the members of the view that speak in it
     * @param view          the whole view: members of it that do not speak are departed from the side, but their
     *                      answers count only once a member outside the view answers too, proving another side
     *                      (without one they are a hung member of ours, whose stack still answers)
     * @param fresh         who answered, with whether as a coordinator
     * @param silenceCounts whether a missing answer counts as a miss: the round waited its full time and
     *                      this host could hear (its cluster interface is up)
     * @param nowMillis     the monotonic clock
     */
    Answer<A> answered(List<A> members, List<A> view, Map<A, Boolean> fresh, boolean silenceCounts, long nowMillis) {
        if (reference == null) {
            return new Answer<>(Change.NONE, List.of(), false);
        }
        List<A> departed = departed(reference, members);
        answers.heard(departed, fresh, silenceCounts, nowMillis);
        Map<A, Boolean> alive = anotherSide(answers.alive(), departed, view);
        Change change = Change.NONE;
        boolean dead = answers.allDead(departed, nowMillis);
        // Outnumbered and hearing none of them, one silent round is not enough: a lossy host alone in its view
        // hears nobody for a round or two and would take every VIP beside the others. Its silence must last until
        // they count as dead (a double death, or a partition, costs the lone survivor that long). A member that
        // hears some of them (survivors of a death that starved apart) knows its discovery works.
        boolean hearsNobody = departed.size() > members.size() && !view.containsAll(departed) && answers.alive().isEmpty();
        boolean silenceEnough = hearsNobody ? dead : silenceCounts;
        if (SplitSides.loses(reference, members, alive)) {
            change = yields ? Change.NONE : Change.YIELD;
            asking = false;
            yields = true;
        } else if ((asking || yields) && (silenceEnough || fresh.keySet().containsAll(departed))) {
            // A round whose silence proves nothing (cut short, the interface down, a rejoin just made)
            // decides only once every departed member answered; until then the member waits as it was.
            change = Change.TAKE_OVER;
            asking = false;
            yields = false;
        }
        if (dead) {
            reference = null;
        }
        return new Answer<>(change, departed.stream().filter(alive::containsKey).toList(), !dead);
    }

    /**
     * The answers of departed members that count: all of them once one from outside the view answers, none
     * otherwise (the departed that are still in the view merely do not speak in it).
     */
    static <A> Map<A, Boolean> anotherSide(Map<A, Boolean> answers, List<A> departed, List<A> view) {
        Map<A, Boolean> theirs = new LinkedHashMap<>(answers);
        theirs.keySet().retainAll(departed);
        return theirs.keySet().stream().anyMatch(a -> !view.contains(a)) ? theirs : Map.of();
    }

    /**
     * Departed members that are back in the view under a new address (a restarted process): dead incarnations,
     * on no side. Kept, they outnumbered a survivor of fast kill-and-restarts, which let go of everything it
     * held for a discovery round.
     */
    void forget(java.util.Collection<A> reincarnated) {
        if (reference != null && !reincarnated.isEmpty()) {
            reference = reference.stream().filter(a -> !reincarnated.contains(a)).toList();
        }
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
