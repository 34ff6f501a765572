package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one member does with a round's decision, worked out from the round alone: pure, so that it
 * reads and is tested as a table ({@code plans.txt}). The member only applies it.
 *
 * <p>Release before acquire: a group is taken at once only when no other member of the round said
 * it held it (its holder crashed or left); otherwise the new owner waits for every such holder's
 * RELEASED. A holder that keeps a group others also claimed (it won a conflict after a merge)
 * re-announces once the losers have let go; after a merge every kept group is announced again,
 * since neighbours in the other partition may point elsewhere.
 *
 * <p>Make before break: when a group moves from its one live holder to a new owner and both said
 * they can hand over ({@code handsOver}), the new owner first makes the group local without
 * answering ARP or neighbour solicitations for it ({@link #prepare}) and says PREPARED; the old
 * holder then points neighbours at the new owner's hardware address, removes its own and says
 * RELEASED ({@link #awaitPrepared}, {@link #handOverNow} when the PREPARED overtook the decision);
 * the new owner then takes the group as after any release. Both sides decide this from the same
 * input, so they agree without asking each other. Any other move (a host that cannot hand over,
 * several holders after a merge, a group nobody may hold) is released at once as before.
 *
 * @param release         groups held here that the decision gives to others, to release at once, in the order held
 * @param acquireNow      groups to take at once
 * @param awaitRelease    groups to take once these members have released them
 * @param awaitReannounce groups kept here, to announce again once these members have released them
 * @param announceNow     groups kept here to announce again at once
 * @param prepare         groups to make local without answering for them now, then say PREPARED
 *                        (each is also in {@code awaitRelease})
 * @param awaitPrepared   groups held here to hand over to this new owner once its PREPARED arrives
 * @param handOverNow     groups held here to hand over to this new owner at once (its PREPARED is in)
 */
record RoundPlan(List<String> release, List<String> acquireNow, Map<String, Set<String>> awaitRelease,
                 Map<String, Set<String>> awaitReannounce, List<String> announceNow,
                 List<String> prepare, Map<String, String> awaitPrepared, Map<String, String> handOverNow) {

    RoundPlan {
        release = List.copyOf(release);
        acquireNow = List.copyOf(acquireNow);
        awaitRelease = copy(awaitRelease);
        awaitReannounce = copy(awaitReannounce);
        announceNow = List.copyOf(announceNow);
        prepare = List.copyOf(prepare);
        awaitPrepared = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(awaitPrepared));
        handOverNow = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(handOverNow));
    }

    /** Release before acquire only: no member hands over. */
    static RoundPlan of(String me, Collection<String> held, Collection<String> mine, Map<String, ? extends Collection<String>> claims,
                        Map<String, ? extends Collection<String>> released, boolean merge) {
        return of(me, held, mine, Map.of(), claims, released, merge, Set.of(), Map.of());
    }

    /**
     * @param me        this member's name in the round
     * @param held      what this member holds now
     * @param mine      what the decision gives this member, in the engine's order
     * @param owners    the decision: group to owner (absent or null: nobody may hold it)
     * @param claims    what each member of the round said it held (this member's own entry is ignored)
     * @param released  groups whose RELEASED has already arrived this round, with who sent it
     * @param merge     whether the round's view is a merge
     * @param handsOver members of the round that said they can hand over (this member among them if it can)
     * @param prepared  groups whose PREPARED has already arrived this round, with who sent it
     */
    static RoundPlan of(String me, Collection<String> held, Collection<String> mine, Map<String, String> owners,
                        Map<String, ? extends Collection<String>> claims, Map<String, ? extends Collection<String>> released,
                        boolean merge, Set<String> handsOver, Map<String, ? extends Collection<String>> prepared) {
        boolean iHandOver = handsOver.contains(me);
        List<String> release = new ArrayList<>();
        Map<String, String> awaitPrepared = new LinkedHashMap<>();
        Map<String, String> handOverNow = new LinkedHashMap<>();
        for (String g : held) {
            if (mine.contains(g)) {
                continue;
            }
            String to = owners.get(g);
            if (iHandOver && to != null && !to.equals(me) && handsOver.contains(to) && claims.containsKey(to)
                    && othersClaiming(g, me, claims).isEmpty()) {
                Collection<String> from = prepared.get(g);
                if (from != null && from.contains(to)) {
                    handOverNow.put(g, to);
                } else {
                    awaitPrepared.put(g, to);
                }
            } else {
                release.add(g);
            }
        }
        List<String> acquireNow = new ArrayList<>();
        Map<String, Set<String>> awaitRelease = new LinkedHashMap<>();
        Map<String, Set<String>> awaitReannounce = new LinkedHashMap<>();
        List<String> announceNow = new ArrayList<>();
        List<String> prepare = new ArrayList<>();
        for (String g : mine) {
            Set<String> others = othersClaiming(g, me, claims);
            Collection<String> gone = released.get(g);
            if (gone != null) {
                others.removeAll(gone);
            }
            if (held.contains(g)) {
                if (!others.isEmpty()) {
                    awaitReannounce.put(g, others);
                } else if (merge) {
                    announceNow.add(g);
                }
            } else if (others.isEmpty()) {
                acquireNow.add(g);
            } else {
                awaitRelease.put(g, others);
                // The holder decides the same way: one holder, both able to hand over, we do not claim it.
                if (iHandOver && others.size() == 1 && handsOver.containsAll(others)
                        && othersClaiming(g, others.iterator().next(), claims).isEmpty()) {
                    prepare.add(g);
                }
            }
        }
        return new RoundPlan(release, acquireNow, awaitRelease, awaitReannounce, announceNow, prepare, awaitPrepared, handOverNow);
    }

    /** Members other than {@code me} that said they held {@code g}. */
    private static Set<String> othersClaiming(String g, String me, Map<String, ? extends Collection<String>> claims) {
        Set<String> others = new LinkedHashSet<>();
        claims.forEach((member, groups) -> {
            if (!member.equals(me) && groups.contains(g)) {
                others.add(member);
            }
        });
        return others;
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
        Map<String, Set<String>> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, Set.copyOf(v)));
        return java.util.Collections.unmodifiableMap(c);
    }
}
