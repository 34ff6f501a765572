package org.wackamole.cluster;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;

/**
 * Who may use a node name in a round (pure). Names identify members to the allocation engine, in
 * preferences, claims and RELEASED, so two members under one name would be one member to the others
 * while each holds VIPs. The first member of the view (in view order, the same on every member)
 * that uses a name owns it; every later one is a duplicate: it holds nothing (state
 * {@code DUPLICATE_NAME}) until it is renamed or the owner leaves. The engine still needs a name for
 * it, unique in the round: the name, {@code #} and its rank in the view, with more {@code #} should
 * that be taken too (e.g. three members called {@code web} are {@code web}, {@code web#1},
 * {@code web#2}).
 *
 * @param names      address to the name the engine knows it by
 * @param duplicates members that are not the first under their name
 */
record NameClaims(Map<Address, String> names, Set<Address> duplicates) {

    static NameClaims of(List<Address> view, Map<Address, String> nodes) {
        Set<String> given = new HashSet<>(nodes.values());
        Set<String> taken = new HashSet<>();
        Map<Address, String> names = new LinkedHashMap<>();
        Set<Address> duplicates = new LinkedHashSet<>();
        for (int i = 0; i < view.size(); i++) {
            Address a = view.get(i);
            String name = nodes.get(a);
            if (taken.add(name)) {
                names.put(a, name);
                continue;
            }
            duplicates.add(a);
            String unique = name + "#" + i;
            while (given.contains(unique) || !taken.add(unique)) {
                unique += "#";
            }
            names.put(a, unique);
        }
        return new NameClaims(java.util.Collections.unmodifiableMap(names), Set.copyOf(duplicates));
    }
}
