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
 * rounds in a row and {@link #SILENT_MS_FOR_DEAD} passed since its last answer: over TCP a lossy link
 * stalls every answer for seconds (retransmission back-off), and three quick rounds all missed them. A
 * member never heard is dead after its misses and {@link #SILENT_MS_FOR_DEAD} since it was first asked
 * about: on the TCP soak under loss a lossy host alone in its view missed every answer for three rounds
 * (1.2 s), counted the others dead and took every VIP beside them. Rounds asked while this host cannot
 * hear anybody count for nothing.
 *
 * @param <A> member addresses
 */
final class DepartedAnswers<A> {
    static final int MISSES_FOR_DEAD = 3;
    static final long SILENT_MS_FOR_DEAD = 3000;

    private final Map<A, Boolean> alive = new LinkedHashMap<>();
    private final Map<A, Long> lastHeard = new HashMap<>();
    private final Map<A, Integer> misses = new HashMap<>();
    private final Map<A, Long> firstAsked = new HashMap<>();

    /**
     * One round of discovery.
     *
     * @param departed      the members asked about
     * @param answers       who answered, with whether as a coordinator
     * @param silenceCounts false while this host cannot hear anybody (its cluster interface is down)
     * @param nowMillis     the monotonic clock
     */
    void heard(Collection<A> departed, Map<A, Boolean> answers, boolean silenceCounts, long nowMillis) {
        for (A a : departed) {
            firstAsked.putIfAbsent(a, nowMillis);
            Boolean coord = answers.get(a);
            if (coord != null) {
                alive.put(a, coord);
                lastHeard.put(a, nowMillis);
                misses.put(a, 0);
            } else if (silenceCounts) {
                misses.merge(a, 1, Integer::sum);
            }
            if (dead(a, nowMillis)) {
                alive.remove(a);
            }
        }
    }

    /** The departed members that count as alive, with their last answer (coordinator or not). */
    Map<A, Boolean> alive() {
        return Map.copyOf(alive);
    }

    /** Whether every one of them missed enough rounds in a row, and for long enough, to count as dead. */
    boolean allDead(Collection<A> departed, long nowMillis) {
        return departed.stream().allMatch(a -> dead(a, nowMillis));
    }

    /** Whether the member missed enough rounds in a row, and for long enough, to count as dead. */
    private boolean dead(A a, long nowMillis) {
        Long since = lastHeard.getOrDefault(a, firstAsked.get(a));
        return misses.getOrDefault(a, 0) >= MISSES_FOR_DEAD && (since == null || nowMillis - since >= SILENT_MS_FOR_DEAD);
    }
}
