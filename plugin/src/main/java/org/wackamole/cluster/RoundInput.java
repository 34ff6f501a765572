package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.wackamole.allocation.AllocationRequest;
import org.wackamole.allocation.Member;
import org.wackamole.cluster.wire.WireMessage;

/**
 * The allocation engine's input for one round, built from the states of the round's members (the
 * view without its silent members, in view order). Pure: every member builds it from the same
 * states and so gets the same request.
 *
 * <p>A member may hold VIPs when it says it is eligible, someone in the round is mature, the round
 * is quorate (partition policy {@code quorum}: counted over the members that answered, a silent
 * member does not make a minority quorate), its name is its own ({@link NameClaims}) and its
 * configuration is the reference ({@link ConfigAgreement}). Quorum and balance moves per round are
 * this member's own settings: they are part of the digest, so every member that may hold VIPs has
 * the same ones, whoever coordinates.
 */
record RoundInput(AllocationRequest request, Map<Address, String> names, boolean anyMature, boolean quorate,
                  Set<Address> duplicates, ConfigAgreement config) {

    static RoundInput of(List<Address> members, Map<Address, WireMessage.State> states, int quorum, int perRound,
                         List<String> pool) {
        return of(members, states, Map.of(), quorum, perRound, pool);
    }

    /**
     * @param silentHeld the round's silent members (in view order) with what the coordinator last knew
     *                   them to hold: in the request as members that may hold nothing, under names no
     *                   speaking member can take, so that their groups move off them as planned moves
     *                   (the new owner waits for their RELEASED) rather than being taken at once
     */
    static RoundInput of(List<Address> members, Map<Address, WireMessage.State> states, Map<Address, Set<String>> silentHeld,
                         int quorum, int perRound, List<String> pool) {
        boolean anyMature = members.stream().anyMatch(a -> states.get(a).mature());
        boolean quorate = quorum == 0 || members.size() >= quorum;
        Map<Address, String> nodes = new LinkedHashMap<>();
        members.forEach(a -> nodes.put(a, states.get(a).node()));
        NameClaims claimsOfNames = NameClaims.of(members, nodes);
        Map<Address, String> names = new LinkedHashMap<>(claimsOfNames.names());
        ConfigAgreement config = ConfigAgreement.of(members, states, names);
        List<Member> engineMembers = new ArrayList<>();
        Map<String, Set<String>> claims = new LinkedHashMap<>();
        for (Address a : members) {
            WireMessage.State s = states.get(a);
            boolean mayHold = s.eligible() && anyMature && quorate && !claimsOfNames.duplicates().contains(a)
                    && !config.misconfigured().contains(a) && !config.observers().contains(a);
            String name = names.get(a);
            engineMembers.add(new Member(name, s.weight(), mayHold, Set.copyOf(s.preferred()), Set.copyOf(s.declined())));
            claims.put(name, Set.copyOf(s.held()));
        }
        java.util.Set<String> taken = new java.util.HashSet<>(names.values());
        int n = 0;
        for (Map.Entry<Address, Set<String>> e : silentHeld.entrySet()) {
            String name = "(silent " + (n++) + ")";
            while (!taken.add(name)) {
                name += "#";
            }
            names.put(e.getKey(), name);
            engineMembers.add(new Member(name, 1, false, Set.of(), Set.of()));
            claims.put(name, Set.copyOf(e.getValue()));
        }
        int engineRound = perRound == 0 || perRound == org.wackamole.config.WackamoleConfig.ALL ? AllocationRequest.ALL : perRound;
        return new RoundInput(new AllocationRequest(engineMembers, pool, claims, engineRound),
                java.util.Collections.unmodifiableMap(names), anyMature, quorate,
                claimsOfNames.duplicates(), config);
    }

    /** Members whose configuration differs from the reference (they hold nothing). */
    Set<Address> poolMismatch() {
        return config.misconfigured();
    }

    /** Whether the member at {@code address} may hold VIPs in this round. */
    boolean eligible(Address address) {
        String name = names.get(address);
        return request.members().stream().anyMatch(m -> m.name().equals(name) && m.eligible());
    }
}
