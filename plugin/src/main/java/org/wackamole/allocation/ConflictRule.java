package org.wackamole.allocation;

/**
 * Rule 2: starts from what eligible members claim. When several claim one group (two partitions
 * merged), the first claimant in view order that prefers the group keeps it, otherwise the first
 * claimant in view order. Claims of draining members, and of members that decline the group, are
 * dropped here; their groups are covered later like unheld ones, as planned moves.
 */
final class ConflictRule {
    private ConflictRule() {
    }

    static void apply(Workspace w) {
        for (int g = 0; g < w.groupCount; g++) {
            int[] holders = w.claimants[g];
            if (holders == null) {
                continue;
            }
            int keeper = Workspace.NONE;
            for (int m : holders) {
                if (!w.eligible[m] || w.declines(m, g)) {
                    continue;
                }
                if (keeper == Workspace.NONE || (w.prefers(m, g) && !w.prefers(keeper, g))) {
                    keeper = m;
                }
            }
            w.owner[g] = keeper;
        }
    }
}
