package org.wackamole.management;

/**
 * The management contract of one Wackamole member, the same in every server: registered on the
 * platform MBeanServer as {@code org.wackamole:type=wackamole,node=NODE} ({@link WackamoleMBeans#objectName}).
 * Clients read it through {@link WackamoleMBeans#proxy}, never by attribute strings.
 *
 * <p>The MBean also emits {@link #NOTIFICATION_ACQUIRED} and {@link #NOTIFICATION_RELEASED} on every
 * acquire and release, and {@link #NOTIFICATION_CONFLICT} when another host answers for a pool
 * address, with the group's identity as user data.
 *
 * <p>To add an attribute: a getter here (with its {@link Description}) and its implementation;
 * MXBean rules map it, nothing else is registered by hand.
 */
public interface WackamoleMXBean {
    String NOTIFICATION_ACQUIRED = "org.wackamole.vip.acquired";
    String NOTIFICATION_RELEASED = "org.wackamole.vip.released";
    /** Another host answers for an address of a group (user data: the group's identity). */
    String NOTIFICATION_CONFLICT = "org.wackamole.vip.conflict";

    @Description("Name of the JGroups cluster")
    String getCluster();

    @Description("This member's name")
    String getNode();

    @Description("JOINING, MATURING, RUNNING, PAUSED, MINORITY, DUPLICATE_NAME, MISCONFIGURED, OBSERVING, DRAINED or STOPPED")
    String getState();

    @Description("Why this member holds nothing now: STARTING, UNHEALTHY, OPERATOR or LEAVING (empty: it takes its share)")
    String[] getDrainReasons();

    @Description("Members of the current view, coordinator first")
    String[] getMembers();

    @Description("Coordinator of the current view")
    String getCoordinator();

    @Description("JGroups view id")
    String getViewId();

    @Description("Identities of the VIP groups held here")
    String[] getHeldVips();

    @Description("The whole pool as identity=member (member empty when nobody may hold it)")
    String[] getAllocation();

    @Description("Identities of the VIP groups this member prefers: the configured ones, then those an operator moved here")
    String[] getPreferred();

    @Description("Effective settings as key=value")
    String[] getSettings();

    @Description("Whether an operator drained this member")
    boolean isDrained();

    @Description("Whether the health checks pass")
    boolean isHealthy();

    @Description("The health checks and their latest outcome")
    String[] getHealthChecks();

    @Description("VIP groups acquired since start")
    long getAcquisitions();

    @Description("VIP groups released since start")
    long getReleases();

    @Description("Announcements (gratuitous ARP / neighbour advertisement rounds) since start")
    long getAnnouncements();

    @Description("VIP groups taken over from a member that left or died")
    long getFailovers();

    @Description("Milliseconds from the view change to taking over, for the latest failover (-1: none yet)")
    long getLastFailoverMillis();

    @Description("Cluster messages not applied: stale ones (an older view or round) and the rejected ones")
    long getDroppedMessages();

    @Description("Cluster messages refused: failed authentication, malformed or out of range, from outside the view, "
            + "too far ahead, or beyond a buffer's bound (counted in DroppedMessages too)")
    long getRejectedMessages();

    @Description("How cluster traffic is protected: encrypted+authenticated (the farm key), or none (wackamole.security=none: "
            + "anyone on the network can join)")
    String getSecurity();

    @Description("Allocation rounds this member took part in")
    long getRounds();

    @Description("Times this process did not run for longer than peers tolerate, and so let go of its VIPs")
    long getPauses();

    @Description("Times another host was seen answering ARP for a pool address (probe before acquiring, or while held)")
    long getConflicts();

    @Description("Hook executables (wackamole.hook.*) run since start")
    long getHookRuns();

    @Description("Hook executables that exited non-zero or could not start, and Java listeners that threw")
    long getHookFailures();

    @Description("Hook executables killed (with their child processes) for running longer than wackamole.hook.timeout")
    long getHookTimeouts();

    @Description("Events not given to a hook or listener because its queue was full")
    long getHookDropped();

    @Description("How planned moves go: MAKE_BEFORE_BREAK (no gap, one ARP responder) or RELEASE_BEFORE_ACQUIRE (the host lacks the sysctls)")
    String getHandoverMode();

    @Description("The latest address conflict: when, which address, which MAC, stale member or foreign host (empty: none)")
    String getLastConflict();

    @Description("Members of the view the rounds go without: they sent no state when asked (hung, another wire version, a bare channel); they hold nothing")
    String[] getSilentMembers();

    @Description("How members' configurations differ from the farm's reference (most members'; on a tie, the first in the view's), one line each; empty: all agree")
    String[] getConfigDifferences();

    @Description("Release every VIP and hold none until resume (stays in the cluster)")
    void drain();

    @Description("Take a share of the VIPs again after drain or release")
    void resume();

    @Description("Move one VIP group to another member (planned: released here first); it stays away until resume")
    void release(@Description(name = "identity", value = "the group's identity (its first address)") String identity);

    @Description("Move one VIP group here (planned: handed over by its holder, without a gap where both hosts are set up);"
            + " it stays here until resume. A holder that prefers it keeps it unless it is also released there")
    void take(@Description(name = "identity", value = "the group's identity (its first address)") String identity);

    @Description("Rebalance the pool now instead of at the next interval")
    void rebalance();
}
