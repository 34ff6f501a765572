package org.wackamole.allocation;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the engine decides from. Two members that build equal requests get equal allocations,
 * so the order of {@link #members()} (the view order) and of {@link #groups()} (the pool order)
 * is part of the input.
 *
 * @param members  the view, in view order; names unique
 * @param groups   the pool's group identities, in configuration order; unique
 * @param claims   what each member says it holds (member name to identities); may conflict, may
 *                 name members that left (ignored) or groups outside the pool (ignored)
 * @param perRound the most balance moves to make, {@link #ALL} for all needed
 */
public record AllocationRequest(List<Member> members, List<String> groups, Map<String, Set<String>> claims, int perRound) {
    public static final int ALL = Integer.MAX_VALUE;

    public AllocationRequest {
        members = List.copyOf(members);
        groups = List.copyOf(groups);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        claims.forEach((member, held) -> copy.put(member, Set.copyOf(held)));
        claims = copy;
        if (perRound < 0) {
            throw new IllegalArgumentException("perRound must not be negative: " + perRound);
        }
        Set<String> names = new HashSet<>();
        for (Member m : members) {
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("member " + m.name() + " appears twice in the view");
            }
        }
        if (new HashSet<>(groups).size() != groups.size()) {
            throw new IllegalArgumentException("group identities must be unique");
        }
    }

    public static AllocationRequest of(List<Member> members, List<String> groups, Map<String, ? extends Collection<String>> claims) {
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        claims.forEach((k, v) -> sets.put(k, Set.copyOf(v)));
        return new AllocationRequest(members, groups, sets, ALL);
    }

    public AllocationRequest withPerRound(int moves) {
        return new AllocationRequest(members, groups, claims, moves);
    }

    public AllocationRequest withClaims(Map<String, Set<String>> newClaims) {
        return new AllocationRequest(members, groups, Objects.requireNonNull(newClaims), perRound);
    }
}
