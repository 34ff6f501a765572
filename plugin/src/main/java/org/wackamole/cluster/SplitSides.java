package org.wackamole.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Which side of a split view holds the VIPs under {@code partition=all} (pure; table {@code splits.txt}).
 *
 * <p>A view can lose members that are alive: a lossy link stalls one host's TCP connections past
 * FD_ALL3's timeout, or two survivors of a host death both starve for a moment and suspect each other.
 * Each side then installs a view of its own and, under {@code partition=all}, would take every VIP,
 * two holders each until MERGE3 merges them (seconds). But such members still answer discovery,
 * which runs below failure detection and the encryption. So a member whose new view could be the
 * smaller side asks discovery which departed members answer, and holds nothing when they outnumber
 * its side; on a tie the side with the lowest rank in the last shared view holds. Both sides compute
 * the same answer from the same last view, so exactly one of them holds. A real death answers nothing
 * and changes nothing but the wait for the answer.
 *
 * <p>Side sizes are not sent; a departed member that answers as coordinator heads a side of its own,
 * and the others are counted as one more side together with the lowest-ranked of them: the largest
 * the other side can be, and the answer that never leaves two sides both holding when every member
 * answered. Ranks are positions in the last shared view.
 */
final class SplitSides {
    private SplitSides() {
    }

    /**
     * Whether a member whose view went from {@code previous} to {@code current} may be on the smaller
     * side of a split and must ask before it takes what the departed held: the departed members, all
     * together, could outnumber its side, or tie with it and rank lower.
     */
    static <A> boolean mayLose(List<A> previous, List<A> current) {
        List<A> departed = departed(previous, current);
        if (departed.isEmpty()) {
            return false;
        }
        return outranks(previous, departed.size(), departed, current);
    }

    /**
     * Whether this side holds nothing: the departed members that answer discovery (with whether each
     * answered as a coordinator) make a side larger than {@code current}, or as large and lower-ranked.
     * Answers from members not in {@code previous}, or still in {@code current}, do not count.
     */
    static <A> boolean loses(List<A> previous, List<A> current, Map<A, Boolean> answers) {
        List<A> answering = departed(previous, current).stream().filter(answers::containsKey).toList();
        if (answering.isEmpty()) {
            return false;
        }
        long followers = answering.stream().filter(a -> !answers.get(a)).count();
        // Coordinators head sides of their own; members that are not coordinators belong to one of them or to a
        // coordinator that did not answer: counted together with one of the coordinators, the largest side possible.
        int largest = (int) followers + 1;
        return outranks(previous, largest, answering, current);
    }

    private static <A> boolean outranks(List<A> previous, int otherSize, Collection<A> others, List<A> current) {
        if (otherSize != current.size()) {
            return otherSize > current.size();
        }
        return lowestRank(previous, others) < lowestRank(previous, current);
    }

    private static <A> List<A> departed(List<A> previous, List<A> current) {
        return previous.stream().filter(a -> !current.contains(a)).toList();
    }

    /** Members that joined since the last shared view have no rank there and rank last. */
    private static <A> int lowestRank(List<A> previous, Collection<A> members) {
        int lowest = Integer.MAX_VALUE;
        for (A a : members) {
            int r = previous.indexOf(a);
            if (r >= 0 && r < lowest) {
                lowest = r;
            }
        }
        return lowest;
    }
}
