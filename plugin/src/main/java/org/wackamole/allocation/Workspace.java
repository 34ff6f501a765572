package org.wackamole.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request turned into arrays indexed by member position (view order) and group position (pool
 * order), so that each rule is a linear pass: 10,000 groups over 256 members stay well under a
 * millisecond per rule. The rules mutate {@link #owner}; everything else is fixed input.
 */
final class Workspace {
    static final int NONE = -1;

    final AllocationRequest request;
    final int memberCount;
    final int groupCount;
    final String[] groupIds;
    final String[] memberNames;
    final long[] weight;
    final boolean[] eligible;
    /** Eligible members preferring each group, in view order; null when nobody does. */
    final int[][] preferredBy;
    /** The live claimants of each group in view order (eligible or not); null when none. */
    final int[][] claimants;

    /** Target owner of each group; the rules move it. */
    final int[] owner;
    /** Reason of the latest change of owner of each group (null: unchanged). */
    final MoveReason[] reason;
    /** Groups each member holds, with the group's preferred-by-owner state: recomputed on demand. */
    final int[] count;
    final int[] pinned;
    /** Target count per member, set by {@link Quotas}. */
    final int[] quota;
    /** Members whose preferred groups alone exceed their fair share: they keep those and take nothing. */
    final boolean[] saturated;
    int balanceMovesLeft;
    int balanceMovesPending;

    private final BitSet[] prefers;
    /** Null for members that decline nothing (nearly all of them). */
    private final BitSet[] declines;

    Workspace(AllocationRequest request) {
        this.request = request;
        List<Member> members = request.members();
        memberCount = members.size();
        groupCount = request.groups().size();
        groupIds = request.groups().toArray(new String[0]);
        Map<String, Integer> groupIndex = new HashMap<>(groupCount * 2);
        for (int g = 0; g < groupCount; g++) {
            groupIndex.put(groupIds[g], g);
        }
        memberNames = new String[memberCount];
        weight = new long[memberCount];
        eligible = new boolean[memberCount];
        prefers = new BitSet[memberCount];
        declines = new BitSet[memberCount];
        List<List<Integer>> preferring = new ArrayList<>(groupCount);
        for (int g = 0; g < groupCount; g++) {
            preferring.add(null);
        }
        for (int i = 0; i < memberCount; i++) {
            Member m = members.get(i);
            memberNames[i] = m.name();
            weight[i] = m.weight();
            eligible[i] = m.eligible();
            prefers[i] = new BitSet(groupCount);
            for (String identity : m.preferred()) {
                Integer g = groupIndex.get(identity);
                if (g != null) {
                    prefers[i].set(g);
                }
            }
            for (String identity : m.declined()) {
                Integer g = groupIndex.get(identity);
                if (g != null) {
                    if (declines[i] == null) {
                        declines[i] = new BitSet(groupCount);
                    }
                    declines[i].set(g);
                }
            }
        }
        voidUnhonourableDeclines();
        // Built in view order so that preferredBy lists are in view order.
        for (int i = 0; i < memberCount; i++) {
            if (!eligible[i]) {
                continue;
            }
            for (int g = prefers[i].nextSetBit(0); g >= 0; g = prefers[i].nextSetBit(g + 1)) {
                if (declines(i, g)) {
                    continue;
                }
                List<Integer> list = preferring.get(g);
                if (list == null) {
                    list = new ArrayList<>(2);
                    preferring.set(g, list);
                }
                list.add(i);
            }
        }
        preferredBy = new int[groupCount][];
        for (int g = 0; g < groupCount; g++) {
            List<Integer> list = preferring.get(g);
            preferredBy[g] = list == null ? null : list.stream().mapToInt(Integer::intValue).toArray();
        }

        int[] claimCount = new int[groupCount];
        int[][] claimedBy = new int[memberCount][];
        for (int i = 0; i < memberCount; i++) {
            Set<String> held = request.claims().get(memberNames[i]);
            if (held == null) {
                claimedBy[i] = new int[0];
                continue;
            }
            int[] gs = new int[held.size()];
            int n = 0;
            for (String identity : held) {
                Integer g = groupIndex.get(identity);
                if (g != null) {
                    gs[n++] = g;
                    claimCount[g]++;
                }
            }
            claimedBy[i] = Arrays.copyOf(gs, n);
        }
        claimants = new int[groupCount][];
        int[] fill = new int[groupCount];
        for (int i = 0; i < memberCount; i++) {
            for (int g : claimedBy[i]) {
                if (claimants[g] == null) {
                    claimants[g] = new int[claimCount[g]];
                }
                claimants[g][fill[g]++] = i;
            }
        }

        owner = new int[groupCount];
        Arrays.fill(owner, NONE);
        reason = new MoveReason[groupCount];
        count = new int[memberCount];
        pinned = new int[memberCount];
        quota = new int[memberCount];
        saturated = new boolean[memberCount];
        balanceMovesLeft = request.perRound();
    }

    /**
     * A decline only means "somebody else, if anyone can": a group that every eligible member declines
     * is treated as declined by nobody. Otherwise its holder would drop its claim every round and
     * coverage would hand it from one decliner to the next, a planned move each time.
     */
    private void voidUnhonourableDeclines() {
        BitSet declinedByAll = null;
        for (int i = 0; i < memberCount; i++) {
            if (!eligible[i]) {
                continue;
            }
            if (declines[i] == null) {
                return;
            }
            if (declinedByAll == null) {
                declinedByAll = (BitSet) declines[i].clone();
            } else {
                declinedByAll.and(declines[i]);
            }
        }
        if (declinedByAll == null || declinedByAll.isEmpty()) {
            return;
        }
        for (int i = 0; i < memberCount; i++) {
            if (declines[i] != null) {
                declines[i].andNot(declinedByAll);
            }
        }
    }

    boolean prefers(int member, int group) {
        return prefers[member].get(group);
    }

    boolean declines(int member, int group) {
        return declines[member] != null && declines[member].get(group);
    }

    boolean isPinned(int group) {
        int o = owner[group];
        return o != NONE && prefers(o, group);
    }

    void assign(int group, int member, MoveReason why) {
        owner[group] = member;
        reason[group] = why;
    }

    /** Recounts holdings from {@link #owner}; counts are never updated incrementally across rules. */
    void recount() {
        Arrays.fill(count, 0);
        Arrays.fill(pinned, 0);
        for (int g = 0; g < groupCount; g++) {
            int o = owner[g];
            if (o != NONE) {
                count[o]++;
                if (prefers(o, g)) {
                    pinned[o]++;
                }
            }
        }
    }

    int eligibleCount() {
        int n = 0;
        for (boolean e : eligible) {
            if (e) {
                n++;
            }
        }
        return n;
    }
}
