package org.wackamole.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The engine's rules 1 to 6 checked over thousands of random views, pools and (conflicting) claims.
 * Each property recomputes what it needs from the request itself rather than from engine internals.
 */
class AllocationPropertiesTest {

    @Property(tries = 3000)
    void coverageConflictsAndPreferences(@ForAll long seed,
                                         @ForAll @IntRange(min = 1, max = 64) int members,
                                         @ForAll @IntRange(min = 0, max = 1024) int groups,
                                         @ForAll boolean weighted) {
        AllocationRequest request = RandomRequests.generate(seed, members, groups, weighted);
        Allocation a = Allocator.allocate(request);
        Map<String, Member> byName = byName(request);
        boolean anyEligible = request.members().stream().anyMatch(Member::eligible);

        for (String g : request.groups()) {
            String owner = a.owner(g);
            // Rule 1: exactly one owner, an eligible member of the view; none when nobody is eligible.
            if (!anyEligible) {
                assertThat(owner).as(g).isNull();
                continue;
            }
            assertThat(owner).as(g).isNotNull();
            assertThat(byName.get(owner).eligible()).as("owner of %s eligible", g).isTrue();

            List<Member> claimants = eligibleClaimants(request, g);
            List<Member> preferring = request.members().stream()
                    .filter(m -> m.eligible() && m.preferred().contains(g)).toList();
            // Rule 3: a group someone prefers is with a member that prefers it; a preferring holder keeps it.
            if (!preferring.isEmpty()) {
                assertThat(byName.get(owner).preferred()).as("owner of preferred %s", g).contains(g);
                claimants.stream().filter(m -> m.preferred().contains(g)).findFirst()
                        .ifPresent(keeper -> assertThat(owner).as("preferring holder keeps %s", g).isEqualTo(keeper.name()));
            } else if (!claimants.isEmpty()) {
                // Rule 2: the first claimant in view order keeps it, unless balancing moves it on.
                boolean rebalanced = a.moves().stream().anyMatch(m -> m.group().equals(g) && m.reason() == MoveReason.BALANCE);
                if (!rebalanced) {
                    assertThat(owner).as("keeper of %s", g).isEqualTo(claimants.get(0).name());
                }
            }
        }
        // Every eligible claimant other than the owner is told to release; nobody else is.
        for (Move m : a.moves()) {
            assertThat(m.to()).isEqualTo(a.owner(m.group()));
            if (m.from() != null) {
                assertThat(request.claims().get(m.from())).contains(m.group());
            }
            if (m.reason() == MoveReason.BALANCE) {
                assertThat(byName.get(m.from()).preferred()).as("balance never takes a preferred group").doesNotContain(m.group());
            }
        }
    }

    @Property(tries = 2000)
    void balancedAfterAFullRound(@ForAll long seed,
                                 @ForAll @IntRange(min = 1, max = 64) int members,
                                 @ForAll @IntRange(min = 0, max = 1024) int groups,
                                 @ForAll boolean weighted) {
        AllocationRequest request = RandomRequests.generate(seed, members, groups, weighted);
        Allocation a = Allocator.allocate(request);
        assertThat(a.pendingBalanceMoves()).isZero();
        List<Member> eligible = request.members().stream().filter(Member::eligible).toList();
        if (eligible.isEmpty()) {
            return;
        }
        Map<String, Integer> count = new HashMap<>();
        Map<String, Integer> pinned = new HashMap<>();
        for (Member m : eligible) {
            Set<String> held = a.groupsOf(m.name());
            count.put(m.name(), held.size());
            pinned.put(m.name(), (int) held.stream().filter(m.preferred()::contains).count());
        }
        if (!weighted) {
            // Rule 4 as Wackamole states it: counts differ by at most one, except for a member
            // that holds only groups it prefers (those are never moved to balance).
            for (Member x : eligible) {
                for (Member y : eligible) {
                    if (count.get(x.name()) > count.get(y.name()) + 1) {
                        assertThat(pinned.get(x.name())).as("%s holds more than %s + 1: only preferred groups", x.name(), y.name())
                                .isEqualTo(count.get(x.name()));
                    }
                }
            }
        }
        // Weighted rule 4: within one group of the proportional share, shares computed after setting
        // aside members whose preferred groups alone exceed their share.
        Map<String, Double> share = shares(eligible, pinned, request.groups().size());
        for (Member m : eligible) {
            Double s = share.get(m.name());
            if (s == null) {
                assertThat(count.get(m.name())).as("saturated %s keeps only preferred", m.name()).isEqualTo(pinned.get(m.name()));
            } else {
                assertThat(Math.abs(count.get(m.name()) - s)).as("%s count %d vs share %.3f", m.name(), count.get(m.name()), s)
                        .isLessThan(1.0);
            }
        }
    }

    @Property(tries = 2000)
    void stableAndMinimal(@ForAll long seed,
                          @ForAll @IntRange(min = 1, max = 64) int members,
                          @ForAll @IntRange(min = 0, max = 1024) int groups,
                          @ForAll boolean weighted) {
        AllocationRequest request = RandomRequests.generate(seed, members, groups, weighted);
        Allocation a = Allocator.allocate(request);
        // Rule 5: an allocation that satisfies the rules moves nothing, and the answer is deterministic.
        Allocation again = Allocator.allocate(request.withClaims(claimsOf(a, request)));
        assertThat(again.moves()).isEmpty();
        assertThat(Allocator.allocate(request).owners()).isEqualTo(a.owners());

        // Balance moves go from members left at or above the level of the members that received.
        Map<String, Member> byName = byName(request);
        for (Move m : a.moves()) {
            if (m.reason() == MoveReason.BALANCE) {
                Member from = byName.get(m.from());
                Member to = byName.get(m.to());
                double fromLoad = (a.groupsOf(from.name()).size() + 1.0) / from.weight();
                double toLoad = (a.groupsOf(to.name()).size() - 1.0) / to.weight();
                assertThat(fromLoad).as("donor %s above taker %s before the move", from, to).isGreaterThan(toLoad);
            }
        }
        // Givers and takers never overlap: nothing passes through a member.
        Set<String> givers = new java.util.HashSet<>();
        Set<String> takers = new java.util.HashSet<>();
        a.moves().stream().filter(m -> m.reason() == MoveReason.BALANCE).forEach(m -> {
            givers.add(m.from());
            takers.add(m.to());
        });
        assertThat(java.util.Collections.disjoint(givers, takers)).as("givers %s, takers %s", givers, takers).isTrue();
    }

    /** For equal weights and no preferences the minimal number of balance moves is known exactly. */
    @Property(tries = 2000)
    void minimalNumberOfBalanceMoves(@ForAll long seed,
                                     @ForAll @IntRange(min = 1, max = 64) int members,
                                     @ForAll @IntRange(min = 0, max = 1024) int groups) {
        AllocationRequest generated = RandomRequests.generate(seed, members, groups, false);
        List<Member> plain = generated.members().stream().map(m -> new Member(m.name(), 1, m.eligible(), Set.of())).toList();
        AllocationRequest request = new AllocationRequest(plain, generated.groups(), generated.claims(), AllocationRequest.ALL);
        Allocation a = Allocator.allocate(request);
        List<Member> eligible = plain.stream().filter(Member::eligible).toList();
        if (eligible.isEmpty()) {
            return;
        }
        // Counts after conflicts: each group's first eligible claimant keeps it.
        Map<String, Integer> kept = new LinkedHashMap<>();
        eligible.forEach(m -> kept.put(m.name(), 0));
        for (String g : request.groups()) {
            List<Member> c = eligibleClaimants(request, g);
            if (!c.isEmpty()) {
                kept.merge(c.get(0).name(), 1, Integer::sum);
            }
        }
        int n = request.groups().size();
        int floor = n / eligible.size();
        int extra = n % eligible.size();
        Integer[] counts = kept.values().toArray(new Integer[0]);
        Arrays.sort(counts, Comparator.reverseOrder());
        long minimal = 0;
        for (int i = 0; i < counts.length; i++) {
            minimal += Math.max(0, counts[i] - (i < extra ? floor + 1 : floor));
        }
        assertThat(a.moveCount(MoveReason.BALANCE)).isEqualTo(minimal);
    }

    /** Operators' "move it elsewhere": a declined group stays away from its decliners whenever possible. */
    @Property(tries = 1000)
    void declinedGroupsGoElsewhere(@ForAll long seed,
                                   @ForAll @IntRange(min = 1, max = 16) int members,
                                   @ForAll @IntRange(min = 0, max = 64) int groups) {
        AllocationRequest generated = RandomRequests.generate(seed, members, groups, false);
        java.util.Random r = new java.util.Random(seed);
        List<Member> withDeclines = generated.members().stream().map(m -> {
            Set<String> declined = new java.util.HashSet<>();
            if (groups > 0 && r.nextInt(3) == 0) {
                for (int k = 0; k < 1 + r.nextInt(3); k++) {
                    declined.add(generated.groups().get(r.nextInt(groups)));
                }
            }
            return new Member(m.name(), m.weight(), m.eligible(), m.preferred(), declined);
        }).toList();
        AllocationRequest request = new AllocationRequest(withDeclines, generated.groups(), generated.claims(), AllocationRequest.ALL);
        Allocation a = Allocator.allocate(request);
        Map<String, Member> byName = byName(request);
        boolean anyEligible = withDeclines.stream().anyMatch(Member::eligible);
        for (String g : request.groups()) {
            String owner = a.owner(g);
            assertThat(owner != null).as("%s covered", g).isEqualTo(anyEligible);
            if (owner != null && byName.get(owner).declined().contains(g)) {
                assertThat(withDeclines).as("%s with decliner %s: every eligible member declines it", g, owner)
                        .filteredOn(Member::eligible).allMatch(m -> m.declined().contains(g));
            }
        }
        assertThat(a.pendingBalanceMoves()).isZero();
        assertThat(Allocator.allocate(request.withClaims(claimsOf(a, request))).moves()).as("stable").isEmpty();
    }

    @Property(tries = 500)
    void gradualRoundsConverge(@ForAll long seed,
                               @ForAll @IntRange(min = 1, max = 64) int members,
                               @ForAll @IntRange(min = 0, max = 1024) int groups,
                               @ForAll @IntRange(min = 1, max = 8) int perRound,
                               @ForAll boolean weighted) {
        AllocationRequest request = RandomRequests.generate(seed, members, groups, weighted).withPerRound(perRound);
        Allocation full = Allocator.allocate(request.withPerRound(AllocationRequest.ALL));
        Allocation a = Allocator.allocate(request);
        int maxRounds = full.moveCount(MoveReason.BALANCE) > 0 ? (int) (full.moveCount(MoveReason.BALANCE) / perRound) + 2 : 1;
        int rounds = 0;
        while (true) {
            // Rule 6: at most perRound balance moves in one round, and coverage is never held back.
            assertThat(a.moveCount(MoveReason.BALANCE)).isLessThanOrEqualTo(perRound);
            rounds++;
            if (a.pendingBalanceMoves() == 0) {
                break;
            }
            assertThat(rounds).as("rounds to converge").isLessThanOrEqualTo(maxRounds);
            a = Allocator.allocate(request.withClaims(claimsOf(a, request)));
        }
        // Converged onto an allocation that a full round would leave alone.
        Allocation settled = Allocator.allocate(request.withPerRound(AllocationRequest.ALL).withClaims(claimsOf(a, request)));
        assertThat(settled.moves()).isEmpty();
        boolean anyEligible = request.members().stream().anyMatch(Member::eligible);
        for (String g : request.groups()) {
            assertThat(a.owner(g) != null).isEqualTo(anyEligible);
        }
    }

    private static Map<String, Set<String>> claimsOf(Allocation a, AllocationRequest request) {
        Map<String, Set<String>> claims = new LinkedHashMap<>();
        for (Member m : request.members()) {
            claims.put(m.name(), a.groupsOf(m.name()));
        }
        return claims;
    }

    private static Map<String, Member> byName(AllocationRequest request) {
        Map<String, Member> byName = new HashMap<>();
        request.members().forEach(m -> byName.put(m.name(), m));
        return byName;
    }

    private static List<Member> eligibleClaimants(AllocationRequest request, String group) {
        List<Member> result = new ArrayList<>();
        for (Member m : request.members()) {
            Set<String> held = request.claims().get(m.name());
            if (m.eligible() && held != null && held.contains(group)) {
                result.add(m);
            }
        }
        return result;
    }

    /** Water-filling with doubles: members whose pinned groups exceed their share drop out (no entry). */
    private static Map<String, Double> shares(List<Member> eligible, Map<String, Integer> pinned, int groups) {
        List<Member> active = new ArrayList<>(eligible);
        double remaining = groups;
        boolean changed = true;
        Map<String, Double> share = new HashMap<>();
        while (changed) {
            changed = false;
            double weight = active.stream().mapToInt(Member::weight).sum();
            for (Member m : active) {
                if (pinned.get(m.name()) > remaining * m.weight() / weight + 1e-9) {
                    remaining -= pinned.get(m.name());
                    active.remove(m);
                    changed = true;
                    break;
                }
            }
        }
        double weight = active.stream().mapToInt(Member::weight).sum();
        for (Member m : active) {
            share.put(m.name(), remaining * m.weight() / weight);
        }
        return share;
    }
}
