package org.wackamole.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.wackamole.management.WackamoleMXBean;

/**
 * One member's figures for Prometheus, read from its {@link WackamoleMXBean} at each scrape, so
 * {@code /metrics} and JMX always show the same numbers. Every series is labelled with
 * {@code cluster} and {@code node}.
 */
public final class WackamoleCollector implements MultiCollector {
    /** The states of {@link WackamoleMXBean#getState()}, one series each (1 for the current one). */
    static final List<String> STATES = List.of("JOINING", "MATURING", "RUNNING", "PAUSED", "MINORITY", "DUPLICATE_NAME",
            "MISCONFIGURED", "OBSERVING", "DRAINED", "STOPPED");

    private record Count(String name, String help, ToLongFunction<WackamoleMXBean> value) {
    }

    private static final List<Count> COUNTERS = List.of(
            new Count("wackamole_acquisitions", "VIP groups acquired by this member", WackamoleMXBean::getAcquisitions),
            new Count("wackamole_releases", "VIP groups released by this member", WackamoleMXBean::getReleases),
            new Count("wackamole_announcements", "Announcement rounds (gratuitous ARP / unsolicited NA) sent", WackamoleMXBean::getAnnouncements),
            new Count("wackamole_failovers", "VIP groups taken over from a member that left or died", WackamoleMXBean::getFailovers),
            new Count("wackamole_conflicts", "Times another host answered ARP for a pool address", WackamoleMXBean::getConflicts),
            new Count("wackamole_dropped_messages",
                    "Cluster messages dropped: failing authentication (not the farm key), malformed or stale", WackamoleMXBean::getDroppedMessages),
            new Count("wackamole_rounds", "Allocation rounds this member took part in", WackamoleMXBean::getRounds),
            new Count("wackamole_pauses", "Times this process stalled longer than peers tolerate and let go of its VIPs", WackamoleMXBean::getPauses),
            new Count("wackamole_hook_runs", "Hook executables run", WackamoleMXBean::getHookRuns),
            new Count("wackamole_hook_failures", "Hook executables that failed and Java listeners that threw", WackamoleMXBean::getHookFailures),
            new Count("wackamole_hook_timeouts", "Hook executables killed for running longer than wackamole.hook.timeout", WackamoleMXBean::getHookTimeouts),
            new Count("wackamole_hook_dropped", "Events not given to a hook because its queue was full", WackamoleMXBean::getHookDropped));

    private final WackamoleMXBean member;

    public WackamoleCollector(WackamoleMXBean member) {
        this.member = member;
    }

    @Override
    public MetricSnapshots collect() {
        Labels labels = Labels.of("cluster", member.getCluster(), "node", member.getNode());
        List<MetricSnapshot> out = new ArrayList<>();
        String[] held = member.getHeldVips();
        out.add(gauge("wackamole_vips_held", "VIP groups held by this member", labels, held.length));
        String[] allocation = member.getAllocation();
        out.add(gauge("wackamole_pool_groups", "VIP groups in the pool", labels, allocation.length));
        out.add(gauge("wackamole_view_members", "Members in this member's current cluster view", labels, member.getMembers().length));
        for (Count c : COUNTERS) {
            out.add(CounterSnapshot.builder().name(c.name()).help(c.help())
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(c.value().applyAsLong(member)).build())
                    .build());
        }
        long lastFailover = member.getLastFailoverMillis();
        if (lastFailover >= 0) { // no series before the first failover, rather than a made-up value
            out.add(gauge("wackamole_last_failover_seconds", "From the view change to taking over, for the latest failover",
                    labels, lastFailover / 1000.0));
        }
        // One series per group: sum by (vip) over the farm must be 1; 0 is an uncovered VIP, 2 a VIP held twice.
        Set<String> here = Set.of(held);
        GaugeSnapshot.Builder vips = GaugeSnapshot.builder().name("wackamole_vip_held")
                .help("1 when this member holds the VIP group (its identity in label vip), else 0");
        for (String entry : allocation) {
            String identity = entry.substring(0, entry.indexOf('='));
            vips.dataPoint(point(labels.add("vip", identity), here.contains(identity) ? 1 : 0));
        }
        out.add(vips.build());
        String state = member.getState();
        GaugeSnapshot.Builder states = GaugeSnapshot.builder().name("wackamole_state").help("1 for this member's current state");
        for (String s : STATES) {
            states.dataPoint(point(labels.add("state", s), s.equals(state) ? 1 : 0));
        }
        out.add(states.build());
        out.add(gauge("wackamole_healthy", "1 while the health checks pass", labels, member.isHealthy() ? 1 : 0));
        out.add(gauge("wackamole_drained", "1 while this member holds nothing for a reason (STARTING, UNHEALTHY, OPERATOR, LEAVING)",
                labels, member.getDrainReasons().length > 0 ? 1 : 0));
        return new MetricSnapshots(out);
    }

    private static GaugeSnapshot gauge(String name, String help, Labels labels, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(labels, value)).build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>(Arrays.asList("wackamole_vips_held", "wackamole_pool_groups", "wackamole_view_members",
                "wackamole_last_failover_seconds", "wackamole_vip_held", "wackamole_state", "wackamole_healthy", "wackamole_drained"));
        COUNTERS.forEach(c -> names.add(c.name()));
        return names;
    }
}
