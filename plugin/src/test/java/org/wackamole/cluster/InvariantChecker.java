package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wackamole.network.NetworkLog;

/**
 * Replays a farm's log and reports what must never happen:
 * <ul>
 *   <li>a member acquires a group while another member of its partition (each in the other's view) holds it;</li>
 *   <li>two members of one partition hold a group together for longer than {@code maxDuplicateMillis}
 *       (a merge brings duplicates along; they must be resolved within one round);</li>
 *   <li>a group nobody holds for longer than {@code maxGapMillis} once it was first held.</li>
 * </ul>
 */
final class InvariantChecker {
    private InvariantChecker() {
    }

    static List<String> check(List<NetworkLog.Event> events, long maxDuplicateMillis, long maxGapMillis, long endNanos) {
        List<String> violations = new ArrayList<>();
        Map<String, Set<String>> holding = new HashMap<>();
        Map<String, Set<String>> views = new HashMap<>();
        Map<String, Long> uncoveredSince = new HashMap<>();
        Map<String, Long> duplicateSince = new HashMap<>();
        Set<String> everHeld = new HashSet<>();

        for (NetworkLog.Event e : events) {
            switch (e.kind()) {
                case VIEW -> views.put(e.member(), new HashSet<>(Arrays.asList(e.subject().split(","))));
                case ACQUIRE -> {
                    String g = e.subject();
                    for (Map.Entry<String, Set<String>> other : holding.entrySet()) {
                        if (!other.getKey().equals(e.member()) && other.getValue().contains(g)
                                && sameView(views, e.member(), other.getKey())) {
                            violations.add(ms(e) + " " + e.member() + " acquired " + g + " while " + other.getKey()
                                    + " of its partition held it");
                        }
                    }
                    holding.computeIfAbsent(e.member(), k -> new HashSet<>()).add(g);
                    everHeld.add(g);
                    Long since = uncoveredSince.remove(g);
                    if (since != null && e.nanos() - since > maxGapMillis * 1_000_000) {
                        violations.add(ms(e) + " " + g + " uncovered for " + (e.nanos() - since) / 1_000_000 + " ms");
                    }
                }
                case RELEASE -> holding.getOrDefault(e.member(), new HashSet<>()).remove(e.subject());
                case CRASH -> holding.remove(e.member());
                case ANNOUNCE -> {
                }
            }
            // Coverage and duplicates after every step.
            for (String g : everHeld) {
                List<String> holders = new ArrayList<>();
                holding.forEach((m, gs) -> {
                    if (gs.contains(g)) {
                        holders.add(m);
                    }
                });
                if (holders.isEmpty()) {
                    uncoveredSince.putIfAbsent(g, e.nanos());
                }
                boolean dup = false;
                for (int i = 0; i < holders.size() && !dup; i++) {
                    for (int j = i + 1; j < holders.size(); j++) {
                        if (sameView(views, holders.get(i), holders.get(j))) {
                            dup = true;
                            break;
                        }
                    }
                }
                if (dup) {
                    Long since = duplicateSince.putIfAbsent(g, e.nanos());
                    if (since != null && e.nanos() - since > maxDuplicateMillis * 1_000_000) {
                        violations.add(ms(e) + " " + g + " held twice in one partition for "
                                + (e.nanos() - since) / 1_000_000 + " ms: " + holders);
                        duplicateSince.put(g, e.nanos());
                    }
                } else {
                    duplicateSince.remove(g);
                }
            }
        }
        for (Map.Entry<String, Long> u : uncoveredSince.entrySet()) {
            if (endNanos - u.getValue() > maxGapMillis * 1_000_000) {
                violations.add(u.getKey() + " uncovered at the end for " + (endNanos - u.getValue()) / 1_000_000 + " ms");
            }
        }
        return violations;
    }

    private static boolean sameView(Map<String, Set<String>> views, String a, String b) {
        Set<String> va = views.get(a);
        Set<String> vb = views.get(b);
        return va != null && vb != null && va.contains(b) && vb.contains(a);
    }

    private static String ms(NetworkLog.Event e) {
        return "#" + e.seq();
    }
}
