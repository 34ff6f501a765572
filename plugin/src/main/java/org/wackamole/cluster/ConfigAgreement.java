package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jgroups.Address;
import org.wackamole.cluster.wire.WireMessage;

/**
 * Which configuration holds VIPs in a round, from the members' states alone (pure: every member
 * computes the same from the same states). The digest most members of the round share is the
 * reference; on a tie, the digest of the tied member first in view order (so a farm of two with two
 * configurations keeps serving under one of them, and every member says which). A member whose
 * digest is not the reference holds nothing ({@code MISCONFIGURED}): a minority of misconfigured
 * members can never make the majority drop its VIPs, whoever coordinates.
 *
 * <p>Dry runs ({@code wackamole.network=memory-in-farm}) hold nothing while a real member is in the
 * round; they do not count towards the reference either.
 *
 * @param reference     the digest that may hold VIPs
 * @param misconfigured members whose digest differs from it
 * @param observers     dry-run members in a round with real members
 * @param differences   one line per difference, {@code node: key=value (reference: key=value)}, the
 *                      reported-only entries included
 */
record ConfigAgreement(int reference, Set<Address> misconfigured, Set<Address> observers, List<String> differences) {

    static ConfigAgreement of(List<Address> view, Map<Address, WireMessage.State> states, Map<Address, String> names) {
        boolean anyReal = view.stream().anyMatch(a -> !states.get(a).dryRun());
        Map<Integer, Integer> counts = new HashMap<>();
        Map<Integer, Integer> firstRank = new HashMap<>();
        for (int i = 0; i < view.size(); i++) {
            WireMessage.State s = states.get(view.get(i));
            if (anyReal && s.dryRun()) {
                continue;
            }
            counts.merge(s.configDigest(), 1, Integer::sum);
            firstRank.putIfAbsent(s.configDigest(), i);
        }
        int reference = 0;
        int best = -1;
        int bestRank = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            int rank = firstRank.get(e.getKey());
            if (e.getValue() > best || (e.getValue() == best && rank < bestRank)) {
                reference = e.getKey();
                best = e.getValue();
                bestRank = rank;
            }
        }
        Set<Address> misconfigured = new LinkedHashSet<>();
        Set<Address> observers = new LinkedHashSet<>();
        List<String> differences = new ArrayList<>();
        Map<String, String> ref = bestRank == Integer.MAX_VALUE ? Map.of()
                : ConfigDigest.asMap(states.get(view.get(bestRank)).settings());
        for (Address a : view) {
            WireMessage.State s = states.get(a);
            String who = names.getOrDefault(a, s.node());
            if (anyReal && s.dryRun()) {
                observers.add(a);
                differences.add(who + ": network=memory-in-farm, a dry run (holds nothing beside real members)");
                continue;
            }
            if (s.configDigest() != reference) {
                misconfigured.add(a);
            }
            Map<String, String> mine = ConfigDigest.asMap(s.settings());
            boolean described = false;
            for (Map.Entry<String, String> e : mine.entrySet()) {
                String theirs = ref.get(e.getKey());
                if (!Objects.equals(theirs, e.getValue())) {
                    differences.add(who + ": " + e.getKey() + "=" + e.getValue() + " (reference: "
                            + (theirs == null ? "unset" : e.getKey() + "=" + theirs) + ")"
                            + (ConfigDigest.REPORTED_ONLY.contains(e.getKey()) ? ", reported only" : ""));
                    described = true;
                }
            }
            if (s.configDigest() != reference && !described) {
                differences.add(who + ": configuration digest " + Integer.toHexString(s.configDigest())
                        + " (reference: " + Integer.toHexString(reference) + ")");
            }
        }
        return new ConfigAgreement(reference, Set.copyOf(misconfigured), Set.copyOf(observers), List.copyOf(differences));
    }
}
