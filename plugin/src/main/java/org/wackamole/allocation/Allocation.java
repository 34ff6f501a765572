package org.wackamole.allocation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The engine's answer: the target owner of every group, and the moves that get there from the claims. */
public final class Allocation {
    private final Map<String, String> owners;
    private final Map<String, Set<String>> byMember;
    private final List<Move> moves;
    private final int pendingBalanceMoves;

    private Allocation(Map<String, String> owners, Map<String, Set<String>> byMember, List<Move> moves, int pending) {
        this.owners = Collections.unmodifiableMap(owners);
        this.byMember = Collections.unmodifiableMap(byMember);
        this.moves = List.copyOf(moves);
        this.pendingBalanceMoves = pending;
    }

    static Allocation from(Workspace w, int[] keepers) {
        Map<String, String> owners = new LinkedHashMap<>();
        Map<String, Set<String>> byMember = new LinkedHashMap<>();
        for (String name : w.memberNames) {
            byMember.put(name, new LinkedHashSet<>());
        }
        List<Move> moves = new ArrayList<>();
        for (int g = 0; g < w.groupCount; g++) {
            String id = w.groupIds[g];
            int o = w.owner[g];
            String to = o == Workspace.NONE ? null : w.memberNames[o];
            owners.put(id, to);
            if (to != null) {
                byMember.get(to).add(id);
            }
            int[] holders = w.claimants[g];
            if (holders == null) {
                if (to != null) {
                    moves.add(new Move(id, null, to, MoveReason.COVERAGE));
                }
                continue;
            }
            for (int h : holders) {
                if (h == o) {
                    continue;
                }
                MoveReason why;
                if (!w.eligible[h] || w.declines(h, g)) {
                    why = MoveReason.DRAIN;
                } else if (h != keepers[g]) {
                    why = MoveReason.CONFLICT;
                } else {
                    why = w.reason[g];
                }
                moves.add(new Move(id, w.memberNames[h], to, why));
            }
        }
        byMember.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        return new Allocation(owners, byMember, moves, w.balanceMovesPending);
    }

    /** Group identity to owner (null when no member is eligible), in pool order. */
    public Map<String, String> owners() {
        return owners;
    }

    public String owner(String group) {
        return owners.get(group);
    }

    /** The groups a member of the view should hold, in pool order (empty for unknown members). */
    public Set<String> groupsOf(String member) {
        return byMember.getOrDefault(member, Set.of());
    }

    /** Every change of hands against the claims, in pool order. */
    public List<Move> moves() {
        return moves;
    }

    public long moveCount(MoveReason reason) {
        return moves.stream().filter(m -> m.reason() == reason).count();
    }

    /** Balance moves still needed after this round; 0 when the allocation is fully balanced. */
    public int pendingBalanceMoves() {
        return pendingBalanceMoves;
    }

    @Override
    public String toString() {
        return "Allocation" + byMember + " moves=" + moves;
    }
}
