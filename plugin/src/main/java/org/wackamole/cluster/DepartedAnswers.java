package org.wackamole.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What discovery said of departed members over several rounds (pure; confined to the protocol thread).
 * One round's answers are not enough on a lossy link: a live member's answer goes missing now and then,
 * and a side judged on the answers that happened to arrive may think it is the larger one. So a member
 * that answered once counts as alive, with its last answer, until it missed {@link #MISSES_FOR_DEAD}
 * rounds in a row. Rounds asked while this host cannot hear anybody count for nothing.
 *
 * @param <A> member addresses
 */
final class DepartedAnswers<A> {
    static final int MISSES_FOR_DEAD = 3;

    private final Map<A, Boolean> alive = new LinkedHashMap<>();
    private final Map<A, Integer> misses = new HashMap<>();

    /**
     * One round of discovery.
     *
     * @param departed      the members asked about
     * @param answers       who answered, with whether as a coordinator
     * @param silenceCounts false while this host cannot hear anybody (its cluster interface is down)
     */
    void heard(Collection<A> departed, Map<A, Boolean> answers, boolean silenceCounts) {
        for (A a : departed) {
            Boolean coord = answers.get(a);
            if (coord != null) {
                alive.put(a, coord);
                misses.put(a, 0);
            } else if (silenceCounts) {
                int m = misses.merge(a, 1, Integer::sum);
                if (m >= MISSES_FOR_DEAD) {
                    alive.remove(a);
                }
            }
        }
    }

    /** The departed members that count as alive, with their last answer (coordinator or not). */
    Map<A, Boolean> alive() {
        return Map.copyOf(alive);
    }

    /** Whether every one of them missed enough rounds in a row to count as dead. */
    boolean allDead(Collection<A> departed) {
        return departed.stream().allMatch(a -> misses.getOrDefault(a, 0) >= MISSES_FOR_DEAD);
    }
}
