package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jgroups.Address;

/**
 * Members of the view that sent no state when asked: a hung protocol thread, a member of another
 * wire version, a bare JGroups channel that has the farm key. JGroups keeps them in the view (their
 * stacks answer heartbeats), so a round that waited for every member of the view would never be
 * decided, and nothing would fail over.
 *
 * <p>The rule. The coordinator waits {@link #WAIT_MS} for the states of a round; then it starts
 * another round that names the members it did not hear from ({@code ROUND.silent}, as ranks in the
 * view). That round is decided on the states of the others alone: the silent members hold nothing
 * and are eligible for nothing in it, so their groups are covered at once by the others (what the
 * outside sees when a silent member still has addresses is in the README: the ARP probe refuses an
 * address its host still answers for). The names carry over to the next view (not to a merged one),
 * so a failover after a silent member is known does not wait again. A silent member that speaks (its state arrives, it
 * learns from a ROUND that it was named) joins the next round; one that reads a ROUND naming it lets
 * go of everything first, since the others may already hold its groups.
 *
 * <p>A silent coordinator would stall every round: a ROUND is valid when its sender is the first
 * member of the view not named silent in it. A member that has seen no valid ROUND {@link #WAIT_MS}
 * after a view names the coordinator silent; when that makes it the first member not silent, it
 * starts the rounds itself, naming the coordinator (and any member before it). Every member checks
 * that rule on the ROUND itself, so nobody needs to have timed out to follow the deputy.
 *
 * <p>Everything here is pure or confined to the member's protocol thread.
 */
final class SilentMembers {
    /**
     * How long the coordinator waits for a round's states before it goes without the missing ones,
     * and how long a member waits for a first ROUND in a view before it goes without the coordinator.
     * It bounds the extra failover time when a silent member is not yet known (a death and a silent
     * newcomer in one view change): detection + this + one round stays under the 2 s target. It must
     * exceed the time a healthy member needs to answer a round under load (tens of milliseconds
     * measured, hundreds on a loaded 2-core machine) and the time a view can reach one member later than
     * another: FD_SOCK2's connect_timeout, 300 ms in the shipped stacks (JGroups' 1 s default made a healthy
     * member miss this wait whenever its new ping peer had just left).
     */
    static final long WAIT_MS = 1000;

    private final Set<Address> silent = new LinkedHashSet<>();

    /** The members the latest valid ROUND (or the previous view's) named silent. */
    Set<Address> silent() {
        return java.util.Collections.unmodifiableSet(silent);
    }

    boolean isSilent(Address a) {
        return silent.contains(a);
    }

    /**
     * A new view: the members named silent that are still in it stay so until they speak, but for two.
     * This member itself: it knows it speaks, and holding itself silent it would never start a round (the
     * soak saw every member of a view hold itself and the others silent, each waiting for a round from the
     * next, for 35 s). And every name after a merge: they were given on one side about members that were
     * silent only because they were in another view (a member paused past detection went without its
     * peers in the view they had left, and its first round in the merged view made them release everything).
     */
    void viewChanged(List<Address> view, Address self, boolean merge) {
        if (merge) {
            silent.clear();
        } else {
            silent.retainAll(view);
        }
        silent.remove(self);
    }

    /** The member reconnects: what it knew of the view it left says nothing of the one it joins. */
    void clear() {
        silent.clear();
    }

    /** A valid ROUND's list becomes the agreed one. */
    void adopt(List<Address> view, List<Integer> ranks) {
        silent.clear();
        silent.addAll(ofRanks(view, ranks));
    }

    /** Names members silent (the coordinator's wait ran out, or the coordinator itself sent nothing). */
    Set<Address> add(Collection<Address> members) {
        Set<Address> added = new LinkedHashSet<>();
        for (Address a : members) {
            if (silent.add(a)) {
                added.add(a);
            }
        }
        return added;
    }

    /** A member named silent spoke: it joins the next round. Returns whether it was named. */
    boolean spoke(Address a) {
        return silent.remove(a);
    }

    /** The member that starts rounds: the first of the view not named silent. */
    static Address coordinator(List<Address> view, Set<Address> silent) {
        for (Address a : view) {
            if (!silent.contains(a)) {
                return a;
            }
        }
        return view.isEmpty() ? null : view.get(0);
    }

    /**
     * Whether a ROUND from {@code src} naming {@code ranks} silent is valid: the ranks are in the view,
     * the sender is not among them, and every member before the sender is.
     */
    static boolean fromCoordinator(List<Address> view, Address src, List<Integer> ranks) {
        Set<Integer> named = new HashSet<>();
        for (int r : ranks) {
            if (r < 0 || r >= view.size() || !named.add(r)) {
                return false;
            }
        }
        int at = view.indexOf(src);
        if (at < 0 || named.contains(at)) {
            return false;
        }
        for (int i = 0; i < at; i++) {
            if (!named.contains(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a valid ROUND from {@code src} is the late word of a member this one no longer follows:
     * our agreed list names the sender silent, its ROUND names {@code self} silent, and it goes with
     * fewer members than our list does. Each named the other; the side that was not heard is the smaller
     * one (its messages waited in a stalled connection while the others went on), so following it would
     * make the larger side let go of what it covers.
     */
    static boolean fromSideNotHeard(List<Address> view, Set<Address> agreed, Address self, Address src, List<Integer> ranks) {
        if (!agreed.contains(src)) {
            return false;
        }
        Set<Address> named = ofRanks(view, ranks);
        return named.contains(self) && speaking(view, named).size() < speaking(view, agreed).size();
    }

    static List<Integer> ranks(List<Address> view, Set<Address> members) {
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < view.size(); i++) {
            if (members.contains(view.get(i))) {
                ranks.add(i);
            }
        }
        return ranks;
    }

    static Set<Address> ofRanks(List<Address> view, List<Integer> ranks) {
        Set<Address> members = new LinkedHashSet<>();
        for (int r : ranks) {
            if (r >= 0 && r < view.size()) {
                members.add(view.get(r));
            }
        }
        return members;
    }

    /** The members of the view a round goes with: all but the silent ones, in view order. */
    static List<Address> speaking(List<Address> view, Set<Address> silent) {
        return view.stream().filter(a -> !silent.contains(a)).toList();
    }
}
