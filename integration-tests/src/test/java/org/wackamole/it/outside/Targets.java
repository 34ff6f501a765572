package org.wackamole.it.outside;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.wackamole.it.outside.FaultInjector.Outcome;

/**
 * The promises of issue 9 as checks on one {@link Outcome}; each miss is one line saying what was
 * measured against what bound. Pure.
 */
public final class Targets {
    /** A paused member's addresses gone after SIGCONT (issue 9, 2.1). */
    public static final double PAUSE_GONE_MILLIS = 100;
    /** The stale address of a kill -9 gone, clean-up included (2.4). */
    public static final double STALE_GONE_MILLIS = 1000;
    /** Client outage after {@code ip addr del} (2.5). */
    public static final double ADDRESS_DELETED_OUTAGE_MILLIS = 20;
    /**
     * A dead host's VIPs answered elsewhere: FD_ALL3 (300 ms + 100 ms) + VERIFY_SUSPECT2 (100 ms)
     * ≈ 500 ms of detection, a round and the client's next probe; 2 s leaves room for the shared
     * CPU. The TCP stack is held to the same figure within 1.5× (2.2).
     */
    public static final double HOST_DEATH_UNCOVERED_MILLIS = 2000;
    /** An interface down or re-created: its VIPs held by a member that can (2.6); same budget as a dead host. */
    public static final double INTERFACE_COVERED_MILLIS = 2000;

    private Targets() {
    }

    public static List<String> misses(Outcome o) {
        List<String> m = new ArrayList<>();
        if (o.unsettled() != null) {
            m.add("not settled 40 s after the fault: " + o.unsettled());
        }
        double stale = o.figures().getOrDefault("staleGone", 0.0);
        double doubled = o.doubleMillis();
        // A kill -9 leaves the address on a live host until the clean-up: that is the one double
        // holding the farm cannot avoid, and it is bounded by the clean-up's figure.
        double allowed = o.plan().kind() == FaultPlan.Kind.KILL ? stale : 0;
        // A paused process's kernel keeps its addresses and answers ARP while the others take over:
        // issue 9 bounds that double holding by the pause minus detection plus 100 ms.
        boolean pause = o.plan().kind() == FaultPlan.Kind.PAUSE;
        if (pause) {
            allowed = o.plan().amount() - o.figures().getOrDefault("detection", 0.0) + PAUSE_GONE_MILLIS;
        }
        if (doubled > allowed + Observers.ADDRESS_PERIOD_MILLIS * 2) {
            m.add(String.format(Locale.ROOT, "a VIP on two hosts of one segment for %.0f ms (allowed %.0f)", doubled, allowed));
        }
        if (o.plan().kind() != FaultPlan.Kind.KILL && !pause && o.maxResponders() > 1) {
            m.add("two MACs answered ARP for one VIP in one cycle (" + o.maxResponders() + ")");
        }
        int flaps = o.verdicts().values().stream().mapToInt(Judge.VipVerdict::flaps).sum();
        if (flaps > 0 && o.plan().kind() != FaultPlan.Kind.KILL) {
            m.add("the client was answered by two hosts in turn (" + flaps + " flaps)");
        }
        double bound = o.stack().contains("tcp") ? 1.5 : 1.0;
        switch (o.plan().kind()) {
            case PAUSE -> check(m, o, "sigcontToGone", PAUSE_GONE_MILLIS);
            case KILL -> check(m, o, "staleGone", STALE_GONE_MILLIS);
            case ADDRESS_DELETED -> check(m, o, "vipOutage", ADDRESS_DELETED_OUTAGE_MILLIS);
            case HOST_DEATH -> {
                if (o.uncoveredMillis() > HOST_DEATH_UNCOVERED_MILLIS * bound) {
                    m.add(String.format(Locale.ROOT, "a VIP uncovered for %.0f ms after host death (bound %.0f)", o.uncoveredMillis(),
                            HOST_DEATH_UNCOVERED_MILLIS * bound));
                }
            }
            case INTERFACE_DOWN, INTERFACE_RECREATED -> check(m, o, "coveredElsewhere", INTERFACE_COVERED_MILLIS);
            default -> {
            }
        }
        return m;
    }

    private static void check(List<String> m, Outcome o, String figure, double bound) {
        Double v = o.figures().get(figure);
        if (v == null || v.isNaN() || v > bound) {
            m.add(String.format(Locale.ROOT, "%s = %s ms (bound %.0f)", figure, v == null || v.isNaN() ? "never" : String.format(Locale.ROOT, "%.0f", v), bound));
        }
    }
}
