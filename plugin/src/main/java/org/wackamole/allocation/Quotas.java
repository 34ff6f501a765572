package org.wackamole.allocation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rule 4's targets: how many groups each eligible member should end up with.
 *
 * <p>A member's fair share is {@code groups * weight / totalWeight}. A member whose preferred groups
 * alone exceed its share keeps exactly those ("saturated") and leaves the pool; the shares of the
 * others are recomputed over what is left, until nobody is saturated. The remaining members get
 * the floor of their share, and the groups left over by rounding go one each (largest remainder
 * method) to members that already hold at least that many, then by larger remainder, then by view
 * order: any member ends within one group of its share, and no group moves only because rounding
 * picked another member.
 */
final class Quotas {
    private Quotas() {
    }

    static void compute(Workspace w) {
        w.recount();
        long groups = w.groupCount;
        long totalWeight = 0;
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < w.memberCount; i++) {
            w.quota[i] = 0;
            w.saturated[i] = false;
            if (w.eligible[i]) {
                active.add(i);
                totalWeight += w.weight[i];
            }
        }
        if (active.isEmpty()) {
            return;
        }

        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k = 0; k < active.size(); k++) {
                int i = active.get(k);
                if (w.pinned[i] * totalWeight > groups * w.weight[i]) {
                    w.saturated[i] = true;
                    w.quota[i] = w.pinned[i];
                    groups -= w.pinned[i];
                    totalWeight -= w.weight[i];
                    active.remove(k);
                    changed = true;
                    break;
                }
            }
        }

        long[] remainder = new long[w.memberCount];
        long handedOut = 0;
        for (int i : active) {
            long share = groups * w.weight[i];
            w.quota[i] = (int) (share / totalWeight);
            remainder[i] = share % totalWeight;
            handedOut += w.quota[i];
        }
        long extra = groups - handedOut;
        if (extra == 0) {
            return;
        }
        List<Integer> candidates = new ArrayList<>();
        for (int i : active) {
            if (remainder[i] > 0) {
                candidates.add(i);
            }
        }
        candidates.sort(Comparator
                .comparing((Integer i) -> w.count[i] > w.quota[i] ? 0 : 1)
                .thenComparing(i -> -remainder[i])
                .thenComparing(i -> i));
        for (int k = 0; k < extra; k++) {
            w.quota[candidates.get(k)]++;
        }
    }
}
