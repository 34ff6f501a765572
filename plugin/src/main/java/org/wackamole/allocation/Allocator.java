package org.wackamole.allocation;

/**
 * The one entry point of the allocation engine: pure, deterministic, no I/O. Every member of a view
 * runs it on the same request and gets the same answer, so no coordinator has to hand it out.
 *
 * <p>The rules run in a fixed order, each in its own class:
 * <ol>
 *   <li>{@link ConflictRule}: one keeper per claimed group (preferring claimant first, then view order);
 *       claims of draining members are dropped;</li>
 *   <li>{@link PreferenceRule}: preferred groups go to (and stay with) a member that prefers them;</li>
 *   <li>{@link Quotas}: each eligible member's target count, proportional to weight, within one group;</li>
 *   <li>{@link CoverageRule}: every unheld group goes to the member furthest below its quota;</li>
 *   <li>{@link BalanceRule}: members above quota hand non-preferred groups to members below it,
 *       at most {@code perRound} of them.</li>
 * </ol>
 */
public final class Allocator {
    private Allocator() {
    }

    public static Allocation allocate(AllocationRequest request) {
        Workspace w = new Workspace(request);
        ConflictRule.apply(w);
        int[] keepers = w.owner.clone();
        PreferenceRule.apply(w);
        Quotas.compute(w);
        CoverageRule.apply(w);
        // Coverage can leave a member above its quota (its takers declined the group). The quotas'
        // rounding favours members already above their floor, so recompute them on the counts after
        // coverage: balance then works towards the targets the next round would compute from this
        // round's result, and a settled allocation is a fixed point. Without declines this changes nothing.
        Quotas.compute(w);
        BalanceRule.apply(w);
        return Allocation.from(w, keepers);
    }
}
