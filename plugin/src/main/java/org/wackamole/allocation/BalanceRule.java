package org.wackamole.allocation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rules 4 to 6: members above their quota give groups they do not prefer to members below it, the
 * most loaded giver and the neediest taker first, at most {@code perRound} moves at a time. Only
 * donors above quota give and only takers below quota take, so no group moves that does not have
 * to, and repeated limited rounds converge on the same targets.
 */
final class BalanceRule {
    private BalanceRule() {
    }

    static void apply(Workspace w) {
        w.recount();
        List<Integer> donors = new ArrayList<>();
        List<Integer> takers = new ArrayList<>();
        int[] excess = new int[w.memberCount];
        int[] need = new int[w.memberCount];
        for (int i = 0; i < w.memberCount; i++) {
            if (!w.eligible[i]) {
                continue;
            }
            // A saturated member's quota is its preferred groups: anything else it holds must go.
            excess[i] = w.count[i] - w.quota[i];
            if (excess[i] > 0) {
                donors.add(i);
            } else if (excess[i] < 0 && !w.saturated[i]) {
                need[i] = -excess[i];
                takers.add(i);
            }
        }
        int pending = 0;
        for (int d : donors) {
            pending += excess[d];
        }
        if (pending == 0) {
            return;
        }
        donors.sort(Comparator.comparing((Integer i) -> -excess[i]).thenComparing(i -> i));
        takers.sort(Comparator.comparing((Integer i) -> -need[i]).thenComparing(i -> i));

        List<List<Integer>> movable = movableGroups(w);
        for (int d : donors) {
            List<Integer> own = movable.get(d);
            for (int taker : takers) {
                // Hand over, in pool order, groups the taker does not decline (nearly always the next ones).
                for (int k = 0; k < own.size() && excess[d] > 0 && need[taker] > 0 && w.balanceMovesLeft > 0; ) {
                    int g = own.get(k);
                    if (w.declines(taker, g)) {
                        k++;
                        continue;
                    }
                    own.remove(k);
                    w.assign(g, taker, MoveReason.BALANCE);
                    excess[d]--;
                    need[taker]--;
                    pending--;
                    w.balanceMovesLeft--;
                }
            }
        }
        // Left over because of the round's limit; what declines make impossible is not pending.
        w.balanceMovesPending = w.balanceMovesLeft == 0 ? pending : 0;
        w.recount();
    }

    /** Each member's groups that it does not prefer, in pool order. */
    private static List<List<Integer>> movableGroups(Workspace w) {
        List<List<Integer>> movable = new ArrayList<>(w.memberCount);
        for (int i = 0; i < w.memberCount; i++) {
            movable.add(new ArrayList<>());
        }
        for (int g = 0; g < w.groupCount; g++) {
            int o = w.owner[g];
            if (o != Workspace.NONE && !w.prefers(o, g)) {
                movable.get(o).add(g);
            }
        }
        return movable;
    }
}
