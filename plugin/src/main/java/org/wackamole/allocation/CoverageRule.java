package org.wackamole.allocation;

/**
 * Rule 1: every group nobody holds goes, in pool order, to the eligible member furthest below its
 * quota (ties: view order), skipping members that decline it unless every eligible member does.
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
        for (int i = 0; i < w.memberCount; i++) {
            deficit[i] = w.eligible[i] && !w.saturated[i] ? w.quota[i] - w.count[i] : Integer.MIN_VALUE;
        }
        for (int g = 0; g < w.groupCount; g++) {
            if (w.owner[g] != Workspace.NONE) {
                continue;
            }
            int best = Workspace.NONE;
            int fallback = Workspace.NONE;
            for (int i = 0; i < w.memberCount; i++) {
                if (deficit[i] == Integer.MIN_VALUE) {
                    continue;
                }
                if (fallback == Workspace.NONE || deficit[i] > deficit[fallback]) {
                    fallback = i;
                }
                if (!w.declines(i, g) && (best == Workspace.NONE || deficit[i] > deficit[best])) {
                    best = i;
                }
            }
            if (best == Workspace.NONE) {
                best = fallback;
            }
            w.assign(g, best, MoveReason.COVERAGE);
            deficit[best]--;
            w.count[best]++;
        }
    }
}
