package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.allocation.AllocationRequest;
import org.wackamole.allocation.Member;
import org.wackamole.cluster.wire.WireMessage;

/**
 * The allocation engine's input for one round, built from the states of the whole view. Pure: every
 * member builds it from the same states in view order and so gets the same request.
 *
 * <p>A member may hold VIPs when it says it is eligible, someone in the view is mature, the
 * partition is quorate (partition policy {@code quorum}), and its pool is the coordinator's.
 */
record RoundInput(AllocationRequest request, Map<Address, String> names, boolean anyMature, boolean quorate,
                  Set<Address> poolMismatch) {
    private static final Logger LOG = LoggerFactory.getLogger(RoundInput.class);

    static RoundInput of(List<Address> view, Address coordinator, Map<Address, WireMessage.State> states,
                         WireMessage.Round params, List<String> pool) {
        boolean anyMature = states.values().stream().anyMatch(WireMessage.State::mature);
        boolean quorate = params.quorum() == 0 || view.size() >= params.quorum();
        int referencePool = states.get(coordinator).poolDigest();
        Map<Address, String> names = uniqueNames(view, states);
        List<Member> members = new ArrayList<>();
        Map<String, Set<String>> claims = new LinkedHashMap<>();
        Set<Address> mismatch = new HashSet<>();
        for (Address a : view) {
            WireMessage.State s = states.get(a);
            boolean samePool = s.poolDigest() == referencePool;
            if (!samePool) {
                mismatch.add(a);
            }
            String name = names.get(a);
            members.add(new Member(name, s.weight(), s.eligible() && anyMature && quorate && samePool,
                    Set.copyOf(s.preferred()), Set.copyOf(s.declined())));
            claims.put(name, Set.copyOf(s.held()));
        }
        int perRound = params.perRound() == 0 ? AllocationRequest.ALL : params.perRound();
        return new RoundInput(new AllocationRequest(members, pool, claims, perRound), names, anyMature, quorate, mismatch);
    }

    /** Node names as the engine sees them; a duplicate name (misconfiguration) gets a suffix, loudly. */
    static Map<Address, String> uniqueNames(List<Address> view, Map<Address, WireMessage.State> states) {
        Map<Address, String> names = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Address a : view) {
            String name = states.get(a).node();
            if (!seen.add(name)) {
                String unique = name + "#" + a;
                LOG.error("Two members call themselves '{}': set a distinct wackamole.node on each; using {}", name, unique);
                name = unique;
                seen.add(name);
            }
            names.put(a, name);
        }
        return names;
    }

    /** Whether the member at {@code address} may hold VIPs in this round. */
    boolean eligible(Address address) {
        String name = names.get(address);
        return request.members().stream().anyMatch(m -> m.name().equals(name) && m.eligible());
    }
}
