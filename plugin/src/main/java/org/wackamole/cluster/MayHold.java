package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jgroups.Address;

/**
 * What each member of the view may hold, as far as we know: its latest state's groups, plus what
 * the latest decision gave it, less what it said RELEASED since. A superset on purpose: the
 * coordinator tells a round what its silent members may hold ({@link #silentHeld}, as
 * {@code rank:identity} in the ROUND), and their groups then wait for their RELEASED instead of
 * being taken at once beside addresses that may still be up. Every member reads that list back the
 * same way ({@link #ofRound}, pure). Confined to the protocol thread.
 */
final class MayHold {
    private final Map<Address, Set<String>> mayHold = new HashMap<>();

    /** A new view: members that left it hold nothing we wait for. */
    void viewChanged(Collection<Address> members) {
        mayHold.keySet().retainAll(members);
    }

    /** A member's state: what it holds now. */
    void stated(Address member, Collection<String> held) {
        mayHold.put(member, new HashSet<>(held));
    }

    /** A decision may give a member more: what the engine gave it, and what it claimed. */
    void decided(Address member, Collection<String> given, Collection<String> claimed) {
        Set<String> may = mayHold.computeIfAbsent(member, k -> new HashSet<>());
        may.addAll(given);
        if (claimed != null) {
            may.addAll(claimed);
        }
    }

    /** A member released groups. */
    void released(Address member, Collection<String> groups) {
        Set<String> may = mayHold.get(member);
        if (may != null) {
            groups.forEach(may::remove);
        }
    }

    /** What a new ROUND says the members at these ranks of the view may hold, as {@code rank:identity}. */
    List<String> silentHeld(List<Address> view, List<Integer> silentRanks) {
        List<String> silentHeld = new ArrayList<>();
        for (int rank : silentRanks) {
            mayHold.getOrDefault(view.get(rank), Set.of()).forEach(g -> silentHeld.add(rank + ":" + g));
        }
        return silentHeld;
    }

    /**
     * A ROUND's silent members (in view order) with what it says they may hold; entries that name no
     * silent member of the view, or no group of our pool, are ignored.
     */
    static Map<Address, Set<String>> ofRound(List<Address> view, Collection<Address> silent, List<String> silentHeld,
                                             Predicate<String> inPool) {
        Map<Address, Set<String>> result = new LinkedHashMap<>();
        for (Address a : silent) {
            result.put(a, new LinkedHashSet<>());
        }
        for (String entry : silentHeld) {
            int colon = entry.indexOf(':');
            int rank = colon > 0 ? parseRank(entry.substring(0, colon)) : -1;
            String g = colon > 0 ? entry.substring(colon + 1) : null;
            Set<String> of = rank >= 0 && rank < view.size() ? result.get(view.get(rank)) : null;
            if (of != null && inPool.test(g)) {
                of.add(g);
            }
        }
        return result;
    }

    private static int parseRank(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
