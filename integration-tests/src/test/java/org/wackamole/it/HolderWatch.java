package org.wackamole.it;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.wackamole.network.linux.AddressWatch;

/**
 * Who holds each VIP, judged from outside: the addresses present on every host's interface,
 * sampled every few milliseconds from inside each host's namespace, combined with the link state
 * the test itself imposes. A host whose link is cut keeps its addresses but is not in the client's
 * segment, so it is not counted as a holder while cut. Times are System.nanoTime.
 */
final class HolderWatch implements AutoCloseable {
    /** A time span [from, to) in nanos during which a VIP was on the listed hosts. */
    record Span(String vip, long from, long to, List<String> hosts) {
        long millis() {
            return (to - from) / 1_000_000;
        }
    }

    private final Map<String, List<AddressWatch.Sample>> samples = new LinkedHashMap<>();
    private final Map<String, TreeMap<Long, Boolean>> links = new ConcurrentHashMap<>();
    private final List<AddressWatch> watches = new ArrayList<>();
    private final Map<InetAddress, String> names = new HashMap<>();

    HolderWatch(JettyFarm farm, int periodMillis, long maxMillis) throws Exception {
        Set<InetAddress> vips = AddressWatch.literals(JettyFarm.VIPS);
        for (String vip : JettyFarm.VIPS) {
            names.put(InetAddress.getByName(vip), vip);
        }
        try {
            for (String host : JettyFarm.HOSTS) {
                List<AddressWatch.Sample> list = new ArrayList<>();
                samples.put(host, list);
                TreeMap<Long, Boolean> link = new TreeMap<>();
                link.put(Long.MIN_VALUE, true);
                links.put(host, link);
                watches.add(new AddressWatch(farm.network().ns(host), "veth0", vips, periodMillis, maxMillis, s -> {
                    synchronized (list) {
                        list.add(s);
                    }
                }));
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Records the link change the caller is about to make (so a cut host stops counting at once). */
    void link(String host, boolean up) {
        TreeMap<Long, Boolean> link = links.get(host);
        synchronized (link) {
            link.put(System.nanoTime(), up);
        }
    }

    private boolean linked(String host, long nanos) {
        TreeMap<Long, Boolean> link = links.get(host);
        synchronized (link) {
            return link.floorEntry(nanos).getValue();
        }
    }

    /** The linked hosts holding each VIP at every sample instant from {@code from} on, in time order. */
    private TreeMap<Long, Map<String, List<String>>> timeline(long from) {
        Map<String, List<AddressWatch.Sample>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<AddressWatch.Sample>> e : samples.entrySet()) {
            synchronized (e.getValue()) {
                copy.put(e.getKey(), List.copyOf(e.getValue()));
            }
        }
        TreeMap<Long, Map<String, List<String>>> out = new TreeMap<>();
        for (List<AddressWatch.Sample> list : copy.values()) {
            for (AddressWatch.Sample s : list) {
                if (s.nanos() >= from) {
                    out.put(s.nanos(), null);
                }
            }
        }
        Map<String, Integer> cursor = new HashMap<>();
        for (Long t : out.keySet()) {
            Map<String, List<String>> holders = new LinkedHashMap<>();
            for (String vip : JettyFarm.VIPS) {
                holders.put(vip, new ArrayList<>());
            }
            for (Map.Entry<String, List<AddressWatch.Sample>> e : copy.entrySet()) {
                String host = e.getKey();
                List<AddressWatch.Sample> list = e.getValue();
                int i = cursor.getOrDefault(host, -1);
                while (i + 1 < list.size() && list.get(i + 1).nanos() <= t) {
                    i++;
                }
                cursor.put(host, i);
                if (i < 0 || !linked(host, t)) {
                    continue;
                }
                for (InetAddress a : list.get(i).present()) {
                    holders.get(names.get(a)).add(host);
                }
            }
            out.put(t, holders);
        }
        return out;
    }

    /** Every span from {@code from} on during which a VIP was on two or more linked hosts at once. */
    List<Span> doubleHolders(long from) {
        return spans(from, h -> h.size() > 1);
    }

    /** Every span from {@code from} on during which a VIP was on no linked host. */
    List<Span> uncovered(long from) {
        return spans(from, List::isEmpty);
    }

    private List<Span> spans(long from, java.util.function.Predicate<List<String>> bad) {
        TreeMap<Long, Map<String, List<String>>> timeline = timeline(from);
        List<Span> out = new ArrayList<>();
        for (String vip : JettyFarm.VIPS) {
            Long start = null;
            List<String> hosts = null;
            for (Map.Entry<Long, Map<String, List<String>>> e : timeline.entrySet()) {
                List<String> h = e.getValue().get(vip);
                if (bad.test(h)) {
                    if (start == null) {
                        start = e.getKey();
                        hosts = h;
                    }
                } else if (start != null) {
                    out.add(new Span(vip, start, e.getKey(), hosts));
                    start = null;
                }
            }
            if (start != null) {
                out.add(new Span(vip, start, timeline.lastKey(), hosts));
            }
        }
        return out;
    }

    /** The linked holders of each VIP at the latest sample instant. */
    Map<String, List<String>> now() {
        TreeMap<Long, Map<String, List<String>>> timeline = timeline(System.nanoTime() - 1_000_000_000L);
        return timeline.isEmpty() ? Map.of() : timeline.lastEntry().getValue();
    }

    /**
     * The first instant from {@code from} on after which the VIP stayed on exactly one linked host
     * until the last sample; -1 if it does not end that way.
     */
    long settledSince(String vip, long from) {
        TreeMap<Long, Map<String, List<String>>> timeline = timeline(from);
        long since = -1;
        for (Map.Entry<Long, Map<String, List<String>>> e : timeline.entrySet()) {
            if (e.getValue().get(vip).size() == 1) {
                if (since < 0) {
                    since = e.getKey();
                }
            } else {
                since = -1;
            }
        }
        return since;
    }

    /** Fails if a watching thread failed: a silent watch would make every verdict vacuous. */
    void check() {
        for (AddressWatch w : watches) {
            if (w.failure() != null) {
                throw new IllegalStateException("address watch failed", w.failure());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (AddressWatch w : watches) {
            w.close();
        }
    }
}
