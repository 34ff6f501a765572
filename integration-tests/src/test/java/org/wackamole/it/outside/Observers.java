package org.wackamole.it.outside;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.wackamole.it.JettyFarm;
import org.wackamole.it.ArpSenders;
import org.wackamole.it.Prober;
import org.wackamole.it.outside.Recording.FaultEvent;
import org.wackamole.it.outside.Recording.Partition;

/**
 * Every observer of the farm at once, running until closed (or {@code bound}): addresses on each
 * host every 10 ms, the client's ARP requests every 20 ms with every reply captured, and a new TCP
 * connection (an HTTP request) to each VIP every 10 ms with a 100 ms timeout. {@link #cut()}
 * hands over what was seen since the previous cut as one {@link Recording}; the injector marks its
 * faults and partitions here.
 */
public final class Observers implements AutoCloseable {
    public static final int ADDRESS_PERIOD_MILLIS = 10;
    public static final int ARP_PERIOD_MILLIS = 20;
    public static final int PROBE_PERIOD_MILLIS = 10;
    public static final int PROBE_TIMEOUT_MILLIS = 100;

    private final JettyFarm farm;
    private final List<AddressWatcher> watchers = new ArrayList<>();
    private final Map<String, Prober> probers = new LinkedHashMap<>();
    private final ArpWatcher arp;
    private final Map<String, String> macs = new ConcurrentHashMap<>();
    private final List<Partition> partitions = new ArrayList<>();
    private final List<FaultEvent> faults = new ArrayList<>();
    private long lastCut;

    public Observers(JettyFarm farm, Duration bound) throws IOException {
        this.farm = farm;
        long b = bound.toNanos();
        try {
            for (String h : JettyFarm.HOSTS) {
                watchers.add(new AddressWatcher(h, farm.network().ns(h), JettyFarm.VIPS, ADDRESS_PERIOD_MILLIS, b));
                macs.put(farm.mac(h), h);
            }
            ArpSenders.addTo(farm);
            arp = new ArpWatcher(farm.network().ns("c"), JettyFarm.VIPS, ARP_PERIOD_MILLIS, b);
            for (String vip : JettyFarm.VIPS) {
                probers.put(vip, Prober.start(farm.network(), vip, PROBE_PERIOD_MILLIS, PROBE_TIMEOUT_MILLIS, bound));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        lastCut = System.nanoTime();
        synchronized (partitions) {
            partitions.add(new Partition(lastCut, List.of()));
        }
    }

    /** Records the hosts' MACs again (a re-created interface has a new one; the old one still names its host). */
    public void learnMacs() throws IOException {
        for (String h : JettyFarm.HOSTS) {
            macs.put(farm.mac(h), h);
        }
    }

    public void fault(String what, String host) {
        synchronized (faults) {
            faults.add(new FaultEvent(System.nanoTime(), what, host));
        }
    }

    /** From now on the hosts are split into these groups (none: healed). */
    public void partition(List<Set<String>> groups) {
        synchronized (partitions) {
            partitions.add(new Partition(System.nanoTime(), List.copyOf(groups)));
        }
    }

    /** What was seen since the previous cut. */
    public Recording cut() {
        long from = lastCut;
        long to = System.nanoTime();
        lastCut = to;
        Map<String, List<Recording.HostSample>> samples = new LinkedHashMap<>();
        Map<String, Long> gaps = new LinkedHashMap<>();
        for (AddressWatcher w : watchers) {
            samples.put(w.host(), w.cut(from, to));
            gaps.put(w.host(), w.takeLongestGap());
        }
        Map<String, List<Prober.Probe>> probes = new LinkedHashMap<>();
        probers.forEach((vip, p) -> probes.put(vip, p.drain().stream().filter(x -> x.nanos() <= to).toList()));
        List<Partition> parts;
        synchronized (partitions) {
            Partition inForce = partitions.get(partitions.size() - 1);
            parts = List.copyOf(partitions);
            partitions.clear();
            partitions.add(new Partition(to, inForce.groups()));
        }
        List<FaultEvent> fs;
        synchronized (faults) {
            fs = List.copyOf(faults);
            faults.clear();
        }
        return new Recording(from, to, samples, gaps, arp.takeCycles(), arp.takeFrames(), probes, parts, Map.copyOf(macs), fs);
    }

    /** Every observer still running (one that died would make a window look clean). */
    public String whyBlind() {
        for (AddressWatcher w : watchers) {
            if (!w.alive()) {
                return "the address watcher of " + w.host() + " stopped";
            }
        }
        return null;
    }

    @Override
    public void close() {
        watchers.forEach(AddressWatcher::close);
        probers.values().forEach(p -> {
            try {
                p.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (arp != null) {
            arp.close();
        }
    }
}
