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
 * @param release        groups held here that the decision gives to others, in the order held
 * @param acquireNow     groups to take at once
 * @param awaitRelease   groups to take once these members have released them
 * @param awaitReannounce groups kept here, to announce again once these members have released them
 * @param announceNow    groups kept here to announce again at once
 */
record RoundPlan(List<String> release, List<String> acquireNow, Map<String, Set<String>> awaitRelease,
                 Map<String, Set<String>> awaitReannounce, List<String> announceNow) {

    RoundPlan {
        release = List.copyOf(release);
        acquireNow = List.copyOf(acquireNow);
        awaitRelease = copy(awaitRelease);
        awaitReannounce = copy(awaitReannounce);
        announceNow = List.copyOf(announceNow);
    }

    /**
     * @param me       this member's name in the round
     * @param held     what this member holds now
     * @param mine     what the decision gives this member, in the engine's order
     * @param claims   what each member of the round said it held (this member's own entry is ignored)
     * @param released groups whose RELEASED has already arrived this round, with who sent it
     * @param merge    whether the round's view is a merge
     */
    static RoundPlan of(String me, Collection<String> held, Collection<String> mine, Map<String, ? extends Collection<String>> claims,
                        Map<String, ? extends Collection<String>> released, boolean merge) {
        List<String> release = new ArrayList<>();
        for (String g : held) {
            if (!mine.contains(g)) {
                release.add(g);
            }
        }
        List<String> acquireNow = new ArrayList<>();
        Map<String, Set<String>> awaitRelease = new LinkedHashMap<>();
        Map<String, Set<String>> awaitReannounce = new LinkedHashMap<>();
        List<String> announceNow = new ArrayList<>();
        for (String g : mine) {
            Set<String> others = new LinkedHashSet<>();
            claims.forEach((member, groups) -> {
                if (!member.equals(me) && groups.contains(g)) {
                    others.add(member);
                }
            });
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
            }
        }
        return new RoundPlan(release, acquireNow, awaitRelease, awaitReannounce, announceNow);
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
        Map<String, Set<String>> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, Set.copyOf(v)));
        return java.util.Collections.unmodifiableMap(c);
    }
}
