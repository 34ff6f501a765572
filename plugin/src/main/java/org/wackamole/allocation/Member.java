package org.wackamole.allocation;

import java.util.Objects;
import java.util.Set;

/**
 * A member of the current view as the allocation engine sees it.
 *
 * @param name      unique in the view
 * @param weight    relative share of the pool, at least 1
 * @param eligible  false while the member drains (unhealthy, operator drain, leaving): it holds nothing
 * @param preferred group identities this member prefers
 * @param declined  group identities an operator moved away from this member: it gets them only if
 *                  no other eligible member can take them
 */
public record Member(String name, int weight, boolean eligible, Set<String> preferred, Set<String> declined) {

    public Member {
        Objects.requireNonNull(name, "name");
        if (weight < 1) {
            throw new IllegalArgumentException("weight of " + name + " must be positive, was " + weight);
        }
        preferred = Set.copyOf(preferred);
        declined = Set.copyOf(declined);
    }

    public Member(String name, int weight, boolean eligible, Set<String> preferred) {
        this(name, weight, eligible, preferred, Set.of());
    }

    public static Member of(String name, String... preferred) {
        return new Member(name, 1, true, Set.of(preferred));
    }

    public Member draining() {
        return new Member(name, weight, false, preferred, declined);
    }

    public Member withWeight(int newWeight) {
        return new Member(name, newWeight, eligible, preferred, declined);
    }
}
