package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wackamole.config.VipGroup;

/**
 * The groups this host cannot hold now, which its state declines so that another member takes them:
 * those whose acquisition failed here (tried here again after a back-off that doubles from the first
 * wait up to the longest) and those on an interface the network reported lost (until it is back).
 * Pure bookkeeping over the pool: the member logs, asks for rounds and runs the timers. Confined to
 * the protocol thread.
 */
final class UnholdableGroups {

    /** An acquisition that failed: the failures in a row, the wait before the next try, whether it is newly declined. */
    record Failure(int failures, long retryMs, boolean newlyDeclined) {
    }

    private final List<VipGroup> pool;
    private final Map<String, VipGroup> byIdentity = new HashMap<>();
    private final long retryFirstMs;
    private final long retryMaxMs;
    /** Groups this host failed to acquire, with the failures in a row; declined until their retry. */
    private final Map<String, Integer> failedAcquires = new HashMap<>();
    private final Set<String> cannotHold = new LinkedHashSet<>();
    /** Groups another member's host took while this host held them: not acquired here until their retry. */
    private final Set<String> takenElsewhere = new LinkedHashSet<>();
    /** Interfaces of the pool the network reported lost (down, deleted); their groups are declined until back. */
    private final Set<String> lostInterfaces = new LinkedHashSet<>();
    /** Link events per interface so far: a wait for the cluster's address ends when another event comes. */
    private final Map<String, Integer> linkEvents = new HashMap<>();

    UnholdableGroups(List<VipGroup> pool, long retryFirstMs, long retryMaxMs) {
        this.pool = List.copyOf(pool);
        pool.forEach(g -> byIdentity.put(g.identity(), g));
        this.retryFirstMs = retryFirstMs;
        this.retryMaxMs = retryMaxMs;
    }

    /**
     * This host could not acquire {@code group}: it is declined until {@link #retry}. A failure while
     * it is declined already (every eligible member declined it, so the decline was void and the
     * round gave it here again) joins the pending one: neither counted nor waited for again
     * ({@code newlyDeclined} false, no new retry). Otherwise a burst of rounds, a few milliseconds
     * apart, doubled the wait to its longest within a second, and the host declined a group for 30 s
     * after what refused it (a split-off member's kernel) had gone.
     */
    Failure acquireFailed(String group) {
        if (cannotHold.contains(group) && failedAcquires.containsKey(group)) {
            int failures = failedAcquires.get(group);
            return new Failure(failures, backOff(failures), false);
        }
        int failures = failedAcquires.merge(group, 1, Integer::sum);
        return new Failure(failures, backOff(failures), cannotHold.add(group));
    }

    /**
     * Another member's host announced {@code group} while this host held it: it is declined, as after
     * a failed acquisition, and not acquired here at all until its retry (acquiring it back from a
     * member of another view would only take it from the host that answers for it now).
     */
    Failure taken(String group) {
        takenElsewhere.add(group);
        return acquireFailed(group);
    }

    /** Whether the group was taken by another member's host and its retry is not due yet. */
    boolean takenElsewhere(String group) {
        return takenElsewhere.contains(group);
    }

    private long backOff(int failures) {
        return Math.min(retryMaxMs, retryFirstMs << Math.min(failures - 1, 15));
    }

    /**
     * A member let go of {@code group}: if this host declines it after a failed acquisition, it may
     * be tried here again now (whoever answered for it may have been that member's host; the count
     * of failures stays, so a failure again waits longer). Not while one of its interfaces is lost.
     */
    boolean releasedElsewhere(String group) {
        return failedAcquires.containsKey(group) && retry(group);
    }

    /** The group is held here: its next failure is the first in a row again. */
    void acquired(String group) {
        failedAcquires.remove(group);
    }

    /** Its retry is due: whether it may be tried here again (no longer declined); not while one of its interfaces is lost. */
    boolean retry(String group) {
        takenElsewhere.remove(group);
        return !onLostInterface(group) && cannotHold.remove(group);
    }

    /**
     * The network reported the interface lost: its groups are declined. Returns them, or null when it
     * was lost already (nothing changes).
     */
    List<String> interfaceLost(String name) {
        linkEvents.merge(name, 1, Integer::sum);
        if (!lostInterfaces.add(name)) {
            return null;
        }
        List<String> affected = pool.stream().filter(g -> usesInterface(g, name)).map(VipGroup::identity).toList();
        cannotHold.addAll(affected);
        return affected;
    }

    /** The network reported the interface back: the number of this link event, to tell a later one from it. */
    int linkEvent(String name) {
        return linkEvents.merge(name, 1, Integer::sum);
    }

    /** Whether the interface is still lost and nothing has happened to its link since that event. */
    boolean stillLost(String name, int event) {
        return lostInterfaces.contains(name) && linkEvents.get(name) == event;
    }

    /** The interface is usable again: returns the groups that may be held here again (none of their interfaces lost). */
    List<String> interfaceBack(String name) {
        lostInterfaces.remove(name);
        List<String> back = new ArrayList<>();
        for (VipGroup g : pool) {
            if (usesInterface(g, name) && !onLostInterface(g.identity()) && cannotHold.remove(g.identity())) {
                failedAcquires.remove(g.identity());
                back.add(g.identity());
            }
        }
        return back;
    }

    /** What the member's state declines: the groups an operator moved away, then those this host cannot hold. */
    List<String> declined(Collection<String> byOperator) {
        if (cannotHold.isEmpty()) {
            return List.copyOf(byOperator);
        }
        Set<String> all = new LinkedHashSet<>(byOperator);
        all.addAll(cannotHold);
        return List.copyOf(all);
    }

    private static boolean usesInterface(VipGroup group, String name) {
        return group.addresses().stream().anyMatch(a -> a.interfaceName().equals(name));
    }

    private boolean onLostInterface(String identity) {
        VipGroup group = byIdentity.get(identity);
        return group != null && group.addresses().stream().anyMatch(a -> lostInterfaces.contains(a.interfaceName()));
    }
}
