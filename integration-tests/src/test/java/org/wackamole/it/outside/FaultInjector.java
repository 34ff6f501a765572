package org.wackamole.it.outside;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.wackamole.it.JettyFarm;
import org.wackamole.it.Prober;
import org.wackamole.it.outside.Recording.HostSample;

/**
 * Runs one {@link FaultPlan} on a farm inside one observed window: waits until the farm is whole
 * and settled (every VIP on exactly one host, each host on its preferred VIP, all answering),
 * inflicts the fault, repairs what a real operator or reboot would, waits until settled again, and
 * judges the window. Fault-specific figures (a pause's SIGCONT-to-gone time, the stale address's
 * life after a kill) come from the same recording.
 */
public final class FaultInjector {
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(40);

    private final JettyFarm farm;
    private final Observers observers;
    private final String stack;
    private final String partition;

    public FaultInjector(JettyFarm farm, Observers observers, String stack) {
        this(farm, observers, stack, "all");
    }

    /** @param partition the farm's {@code wackamole.partition} policy, which decides what a partition may do (see {@link Targets}) */
    public FaultInjector(JettyFarm farm, Observers observers, String stack, String partition) {
        this.farm = farm;
        this.observers = observers;
        this.stack = stack;
        this.partition = partition;
    }

    /** The outcome of one fault: the verdict per VIP, fault-specific figures (ms), and whether the farm settled after. */
    public record Outcome(FaultPlan plan, String stack, String partition, Map<String, Judge.VipVerdict> verdicts,
            Map<String, Double> figures, String unsettled, Recording recording) {

        public double doubleMillis() {
            return verdicts.values().stream().mapToLong(Judge.VipVerdict::doubleNanos).max().orElse(0) / 1e6;
        }

        public double uncoveredMillis() {
            return verdicts.values().stream().mapToLong(Judge.VipVerdict::longestUncoveredNanos).max().orElse(0) / 1e6;
        }

        public double outageMillis() {
            return verdicts.values().stream().mapToLong(Judge.VipVerdict::outageNanos).max().orElse(0) / 1e6;
        }

        public int maxResponders() {
            return verdicts.values().stream().mapToInt(Judge.VipVerdict::maxResponders).max().orElse(0);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(stack + ("all".equals(partition) ? "" : " partition=" + partition) + " " + plan + ": " + figures + (unsettled == null ? "" : " UNSETTLED: " + unsettled));
            verdicts.values().forEach(v -> sb.append("\n  ").append(v));
            recording.sampleGap().forEach((h, g) -> sb.append(String.format(java.util.Locale.ROOT, "%n  %s longest sampling gap %.0f ms", h, g / 1e6)));
            return sb.toString();
        }
    }

    public Outcome run(FaultPlan plan) throws Exception {
        String before = settle();
        if (before != null) {
            // The previous fault left the farm broken (that outcome says so): an operator restarts it.
            for (String h : JettyFarm.HOSTS) {
                farm.stop(h);
            }
            for (String h : JettyFarm.HOSTS) {
                farm.cleanup(h);
            }
            before = settle();
        }
        if (before != null) {
            throw new IllegalStateException("the farm is not settled before " + plan + ", even after a restart: " + before);
        }
        observers.cut(); // the window starts settled
        Thread.sleep(300);
        Map<String, Long> marks = new LinkedHashMap<>();
        inflict(plan, marks);
        String unsettled = settle();
        Thread.sleep(500);
        Recording r = observers.cut();
        String blind = observers.whyBlind();
        if (blind != null) {
            throw new IllegalStateException(blind + " during " + plan);
        }
        Map<String, Judge.VipVerdict> verdicts = Judge.judge(r, JettyFarm.VIPS);
        return new Outcome(plan, stack, partition, verdicts, figures(plan, r, verdicts, marks), unsettled, r);
    }

    private void inflict(FaultPlan plan, Map<String, Long> marks) throws Exception {
        String h = plan.host();
        marks.put("start", System.nanoTime());
        switch (plan.kind()) {
            case PAUSE -> {
                observers.fault("SIGSTOP", h);
                farm.pause(h, true);
                marks.put("stop", System.nanoTime());
                Thread.sleep(plan.amount());
                farm.pause(h, false);
                marks.put("cont", System.nanoTime());
                observers.fault("SIGCONT", h);
            }
            case KILL -> {
                observers.fault("kill -9", h);
                marks.put("kill", System.nanoTime());
                farm.kill(h);
                marks.put("reaped", System.nanoTime()); // when systemd would hear of it and start ExecStopPost
                farm.cleanup(h);
                marks.put("cleaned", System.nanoTime());
                observers.fault("cleanup done", h);
                // As the unit's Restart=on-failure does: RestartSec after the clean-up, unless
                // -Dwackamole.fault.restartDelay=ms says otherwise (0: an operator's quick start, RestartSec=0).
                Long delay = Long.getLong("wackamole.fault.restartDelay");
                Thread.sleep(delay != null ? delay : farm.unitRestartDelay().toMillis());
                farm.start(h);
            }
            case HOST_DEATH -> {
                observers.fault("link cut + kill", h);
                marks.put("kill", System.nanoTime());
                farm.link(h, false);
                farm.kill(h);
                Thread.sleep(plan.amount());
                // A rebooted host comes back without the addresses its dead JVM held.
                for (String vip : farm.addressesOn(h)) {
                    farm.deleteAddress(h, vip);
                }
                farm.link(h, true);
                observers.fault("rebooted", h);
                farm.start(h);
            }
            case LINK_FLAP -> {
                marks.put("cut", System.nanoTime());
                for (int i = 0; i < plan.amount(); i++) {
                    farm.link(h, false);
                    Thread.sleep(300);
                    farm.link(h, true);
                    Thread.sleep(300);
                }
                marks.put("heal", System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(300));
            }
            case LOSS -> {
                farm.loss(h, 20);
                observers.fault("20% loss", h);
                Thread.sleep(plan.amount());
                farm.loss(h, 0);
                observers.fault("loss over", h);
            }
            case PARTITION -> {
                Set<String> rest = new TreeSet<>(JettyFarm.HOSTS);
                rest.remove(h);
                List<Set<String>> groups = List.of(Set.of(h), rest);
                marks.put("cut", System.nanoTime());
                farm.partition(groups);
                observers.partition(groups);
                Thread.sleep(plan.amount());
                farm.partition(List.of());
                observers.partition(List.of());
                marks.put("heal", System.nanoTime());
            }
            case ADDRESS_DELETED -> {
                String vip = preferred(h);
                observers.fault("ip addr del " + vip, h);
                marks.put("deleted", System.nanoTime());
                farm.deleteAddress(h, vip);
            }
            case INTERFACE_DOWN -> {
                farm.interfaceUp(h, false);
                marks.put("down", System.nanoTime());
                Thread.sleep(plan.amount());
                farm.interfaceUp(h, true);
                marks.put("up", System.nanoTime());
            }
            case INTERFACE_RECREATED -> {
                marks.put("down", System.nanoTime());
                farm.recreateInterface(h);
                observers.learnMacs();
                marks.put("up", System.nanoTime());
            }
            case RESTART_STORM -> {
                for (int i = 0; i < plan.amount(); i++) {
                    farm.stop(h);
                    farm.start(h);
                }
            }
        }
    }

    static String preferred(String host) {
        return JettyFarm.VIPS.get(JettyFarm.HOSTS.indexOf(host));
    }

    private static Map<String, Double> figures(FaultPlan plan, Recording r, Map<String, Judge.VipVerdict> verdicts, Map<String, Long> marks) {
        Map<String, Double> f = new LinkedHashMap<>();
        String h = plan.host();
        String vip = preferred(h);
        switch (plan.kind()) {
            case PAUSE -> {
                long stop = marks.get("stop");
                long cont = marks.get("cont");
                Set<String> held = stateAt(r, h, stop).vips();
                long takeover = firstWhere(r, stop, (host, s) -> !host.equals(h) && s.vips().stream().anyMatch(held::contains));
                if (takeover >= 0 && takeover < cont) {
                    f.put("detection", (takeover - stop) / 1e6);
                }
                // The paused host's own addresses: the first moment from SIGCONT on at which it holds nothing that
                // another host holds too (a double holding elsewhere, left by an earlier fault, is not its).
                f.put("sigcontToGone", (pausedHostClear(r, h, cont) - cont) / 1e6);
            }
            case KILL -> {
                long kill = marks.get("kill");
                Set<String> held = stateAt(r, h, kill).vips();
                long gone = firstWhere(r, kill, (host, s) -> host.equals(h) && s.vips().stream().noneMatch(held::contains));
                f.put("staleGone", gone < 0 ? Double.NaN : (gone - kill) / 1e6);
                f.put("cleanupRun", (marks.get("cleaned") - kill) / 1e6);
                // The part of it the dying JVM takes (the kernel tearing it down, our reaper scheduled).
                f.put("reaped", (marks.get("reaped") - kill) / 1e6);
                f.put("takeover", answeredOtherThan(r.probes().get(vip), h, kill));
            }
            case HOST_DEATH -> f.put("takeover", answeredOtherThan(r.probes().get(vip), h, marks.get("kill")));
            case PARTITION, LINK_FLAP -> {
                // The client reaches both sides of a partition (and a flapping host between cuts):
                // what it can see is two hosts it reaches holding one VIP, whatever the segments.
                long cut = marks.get("cut");
                long released = firstWhere(r, cut, (host, s) -> host.equals(h) && s.vips().isEmpty());
                long takeover = firstWhere(r, cut, (host, s) -> !host.equals(h) && s.vips().contains(vip));
                f.put("cutHostReleased", released < 0 ? Double.NaN : (released - cut) / 1e6);
                f.put("takeover", takeover < 0 ? Double.NaN : (takeover - cut) / 1e6);
                f.put("reachableDouble", Judge.reachableDoubles(r, JettyFarm.VIPS).values().stream()
                        .mapToLong(l -> l.stream().mapToLong(Judge.Span::nanos).sum()).max().orElse(0) / 1e6);
                long heal = marks.get("heal");
                long single = verdicts.values().stream().mapToLong(v -> v.doubleEndAfter(heal)).max().orElse(heal);
                f.put("healToOneHolder", (single - heal) / 1e6);
            }
            case ADDRESS_DELETED -> {
                long del = marks.get("deleted");
                long back = firstWhere(r, del + 1, (host, s) -> host.equals(h) && s.vips().contains(vip));
                f.put("readded", back < 0 ? Double.NaN : (back - del) / 1e6);
                f.put("vipOutage", verdicts.get(vip).outageNanos() / 1e6);
                // The probe is sequential: one SYN that lands in a gap of a millisecond waits out the probe's
                // 100 ms timeout, so vipOutage cannot show less than 100 ms once one probe fails. The time new
                // connections failed, at the probe's resolution, is what the target bounds.
                f.put("failedConnectTime", verdicts.get(vip).failedProbes() * (double) Observers.PROBE_PERIOD_MILLIS);
            }
            case INTERFACE_DOWN -> {
                long down = marks.get("down");
                long covered = firstWhere(r, down, (host, s) -> !host.equals(h) && s.linkUp() && s.vips().contains(vip));
                f.put("coveredElsewhere", covered < 0 ? Double.NaN : (covered - down) / 1e6);
            }
            case INTERFACE_RECREATED -> {
                // Re-created at once, the interface may be back before a peer takes the VIP over: then
                // its own host serving it again is the recovery, and either host covering it counts.
                long down = marks.get("down");
                long lost = firstWhere(r, down, (host, s) -> host.equals(h) && (!s.linkUp() || !s.vips().contains(vip)));
                long covered = lost < 0 ? down : firstWhere(r, lost, (host, s) -> s.linkUp() && s.vips().contains(vip));
                f.put("coveredAgain", covered < 0 ? Double.NaN : (covered - down) / 1e6);
                long elsewhere = firstWhere(r, down, (host, s) -> !host.equals(h) && s.linkUp() && s.vips().contains(vip));
                if (elsewhere >= 0) {
                    f.put("coveredElsewhere", (elsewhere - down) / 1e6);
                }
            }
            default -> {
            }
        }
        return f;
    }

    /**
     * The first moment at or after {@code from} (itself, or a change of any host after it) at which {@code h}
     * holds no VIP another host holds. The watcher records changes only, and a member that lets go at once
     * may do so before the test thread notes the SIGCONT: its state in force at {@code from} counts.
     */
    private static long pausedHostClear(Recording r, String h, long from) {
        java.util.TreeSet<Long> moments = new java.util.TreeSet<>(List.of(from));
        r.samples().values().forEach(l -> l.stream().mapToLong(HostSample::nanos).filter(t -> t >= from).forEach(moments::add));
        for (long t : moments) {
            if (stateAt(r, h, t).vips().stream().noneMatch(v -> JettyFarm.HOSTS.stream()
                    .anyMatch(o -> !o.equals(h) && stateAt(r, o, t).vips().contains(v)))) {
                return t;
            }
        }
        return moments.last();
    }

    private static HostSample stateAt(Recording r, String host, long t) {
        HostSample at = new HostSample(t, false, Set.of());
        for (HostSample s : r.samples().get(host)) {
            if (s.nanos() <= t) {
                at = s;
            }
        }
        return at;
    }

    /** The first sample time at or after {@code t} for which the predicate holds (-1: never in the window). */
    private static long firstWhere(Recording r, long t, java.util.function.BiPredicate<String, HostSample> p) {
        long first = -1;
        for (Map.Entry<String, List<HostSample>> e : r.samples().entrySet()) {
            for (HostSample s : e.getValue()) {
                if (s.nanos() >= t && p.test(e.getKey(), s) && (first < 0 || s.nanos() < first)) {
                    first = s.nanos();
                }
            }
        }
        return first;
    }

    /** Ms from {@code t} to the first probe answered by another host than {@code h}. */
    private static double answeredOtherThan(List<Prober.Probe> probes, String h, long t) {
        for (Prober.Probe p : probes) {
            if (p.nanos() >= t && p.node() != null && !p.node().equals(h)) {
                return (p.nanos() - t) / 1e6;
            }
        }
        return Double.NaN;
    }

    /** Repairs whatever a fault may have left and waits until the farm is settled; null when it is, else what is wrong. */
    private String settle() throws Exception {
        for (String h : JettyFarm.HOSTS) {
            farm.link(h, true);
            farm.interfaceUp(h, true);
            farm.loss(h, 0);
        }
        farm.partition(List.of());
        observers.partition(List.of());
        for (String h : JettyFarm.HOSTS) {
            if (!farm.running(h)) {
                farm.start(h);
            }
        }
        long end = System.nanoTime() + SETTLE_NANOS;
        String problem = "never checked";
        while (System.nanoTime() < end) {
            problem = problem();
            if (problem == null) {
                return null;
            }
            Thread.sleep(200);
        }
        return problem;
    }

    private String problem() throws Exception {
        Map<String, List<String>> on = new LinkedHashMap<>();
        for (String h : JettyFarm.HOSTS) {
            for (String vip : farm.addressesOn(h)) {
                on.computeIfAbsent(vip, k -> new ArrayList<>()).add(h);
            }
        }
        for (String vip : JettyFarm.VIPS) {
            List<String> holders = on.getOrDefault(vip, List.of());
            if (holders.size() != 1) {
                return vip + " on " + holders;
            }
        }
        for (String h : JettyFarm.HOSTS) {
            if (!on.get(preferred(h)).contains(h)) {
                return preferred(h) + " not on its preferring host " + h;
            }
        }
        Map<String, String> answers = farm.answers();
        for (String vip : JettyFarm.VIPS) {
            if (!on.get(vip).get(0).equals(answers.get(vip))) {
                return vip + " on " + on.get(vip) + " but answered by " + answers.get(vip);
            }
        }
        return null;
    }
}
