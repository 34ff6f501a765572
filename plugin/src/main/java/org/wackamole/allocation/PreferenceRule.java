package org.wackamole.allocation;

/**
 * Rule 3: a group preferred by an eligible member goes to one that prefers it. A preferring holder
 * is never displaced (not even by another preferring member), so preferences are stable; an
 * unheld or non-preferring-held group goes to the first preferring member in view order.
 */
final class PreferenceRule {
    private PreferenceRule() {
    }

    static void apply(Workspace w) {
        for (int g = 0; g < w.groupCount; g++) {
            int[] preferring = w.preferredBy[g];
            if (preferring == null || w.isPinned(g)) {
                continue;
            }
            int previous = w.owner[g];
            w.assign(g, preferring[0], previous == Workspace.NONE ? null : MoveReason.PREFERENCE);
        }
    }
}
