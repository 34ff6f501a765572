package org.wackamole.allocation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random but reproducible engine inputs: views of 1..64 members, pools of 0..1024 groups, random
 * preferences (sometimes one member preferring everything), weights, draining members, claims by
 * members that left, and conflicting claims as after a merge.
 */
final class RandomRequests {
    private RandomRequests() {
    }

    static AllocationRequest generate(long seed, int memberCount, int groupCount, boolean weighted) {
        Random r = new Random(seed);
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < groupCount; g++) {
            groups.add("g" + g);
        }
        double drainRate = r.nextInt(4) == 0 ? 0.3 : 0.05;
        double preferRate = r.nextInt(3) == 0 ? 0.0 : r.nextDouble() * 0.5;
        int greedy = r.nextInt(10) == 0 ? r.nextInt(memberCount) : -1;
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            Set<String> prefers = new HashSet<>();
            if (i == greedy) {
                prefers.addAll(groups);
            } else if (groupCount > 0 && r.nextDouble() < preferRate) {
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    prefers.add(groups.get(r.nextInt(groupCount)));
                }
            }
            int weight = weighted ? 1 + r.nextInt(5) : 1;
            members.add(new Member("m" + i, weight, r.nextDouble() >= drainRate, prefers));
        }

        // Holders are drawn from the view plus a few members that are gone.
        int universe = memberCount + 1 + r.nextInt(4);
        double unheldRate = r.nextDouble();
        double conflictRate = r.nextInt(3) == 0 ? r.nextDouble() * 0.3 : 0.0;
        double skew = r.nextDouble();
        Map<String, Set<String>> claims = new LinkedHashMap<>();
        for (String g : groups) {
            if (r.nextDouble() < unheldRate) {
                continue;
            }
            int holders = 1 + (r.nextDouble() < conflictRate ? 1 + r.nextInt(2) : 0);
            for (int k = 0; k < holders; k++) {
                // Skewed choice so that some members hold far more than others.
                int m = (int) (universe * Math.pow(r.nextDouble(), 1 + 3 * skew));
                claims.computeIfAbsent("m" + m, x -> new HashSet<>()).add(g);
            }
        }
        return new AllocationRequest(members, groups, claims, AllocationRequest.ALL);
    }
}
