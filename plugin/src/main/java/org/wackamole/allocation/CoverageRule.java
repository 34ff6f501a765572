package org.wackamole.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Rule 1: every group nobody holds goes, in pool order, to the eligible member furthest below its
 * quota (ties: view order), skipping members that decline it unless every member still below its
 * quota does (a decline every eligible member shares is already void, see {@link Workspace}).
 * This is the failover path, so it is never limited by the balance rate.
 */
final class CoverageRule {
    private CoverageRule() {
    }

    static void apply(Workspace w) {
        if (w.eligibleCount() == 0) {
            return;
        }
        int[] deficit = new int[w.memberCount];
        // Largest deficit first, then view order: a heap keeps 10,000 groups over 256 members cheap.
        PriorityQueue<Integer> neediest = new PriorityQueue<>((a, b) ->
                deficit[a] != deficit[b] ? Integer.compare(deficit[b], deficit[a]) : Integer.compare(a, b));
        for (int i = 0; i < w.memberCount; i++) {
            if (w.eligible[i] && !w.saturated[i]) {
                deficit[i] = w.quota[i] - w.count[i];
                neediest.add(i);
            }
        }
        List<Integer> declining = new ArrayList<>();
        for (int g = 0; g < w.groupCount; g++) {
            if (w.owner[g] != Workspace.NONE) {
                continue;
            }
            Integer best = null;
            while (!neediest.isEmpty()) {
                int i = neediest.poll();
                if (!w.declines(i, g)) {
                    best = i;
                    break;
                }
                declining.add(i);
            }
            if (best == null) {
                best = declining.remove(0); // every eligible member declines it: coverage comes first
            }
            w.assign(g, best, MoveReason.COVERAGE);
            deficit[best]--;
            w.count[best]++;
            neediest.add(best);
            neediest.addAll(declining);
            declining.clear();
        }
    }
}
