package org.wackamole.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.wackamole.network.linux.TestNetwork;

/**
 * A client in the client namespace that asks one VIP who answers every {@code periodMillis} with a
 * short timeout, recording every answer and failure with its time: what a user of the farm sees.
 *
 * <p>By default one probe runs at a time, so while probes time out they start a timeout apart and
 * the first answered one can start up to a timeout after the new holder could answer.
 * {@link #startOverlapping} starts one every period whatever the others do (each on its own thread,
 * in the same namespace), so the start of the first answered probe is within one period of the moment
 * the VIP answered again.
 */
public final class Prober {
    /** One probe: when it was sent, the node that answered (null: no answer) and why not. */
    public record Probe(long nanos, String node, String error) {
    }

    /** What a run saw: the longest time without an answer and the failed probes. */
    public record Report(List<Probe> probes, long failures, long longestGapMillis, String first, String last) {
        @Override
        public String toString() {
            return probes.size() + " probes, " + failures + " failed " + probes.stream().filter(p -> p.node() == null)
                    .map(Probe::error).toList() + ", longest gap between answers " + longestGapMillis + " ms, " + first + " -> " + last;
        }
    }

    private final List<Probe> probes = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile String lastAnswer;
    /** Start time of the probe that gave {@link #lastAnswer} (overlapping probes complete out of order). */
    private long lastAnswerNanos = Long.MIN_VALUE;

    private Prober(TestNetwork net, String vip, int periodMillis, int timeoutMillis, long boundNanos, boolean overlap) {
        thread = new Thread(() -> {
            try {
                net.inNamespace("c", () -> {
                    // Bounded: a run stops when asked, or after its bound at the most.
                    long end = System.nanoTime() + boundNanos;
                    List<Thread> inFlight = new ArrayList<>();
                    long next = System.nanoTime();
                    while (running.get() && System.nanoTime() < end) {
                        long t = System.nanoTime();
                        if (overlap) {
                            // Threads started here inherit this thread's network namespace.
                            Thread one = new Thread(() -> probe(vip, timeoutMillis, t), "probe-" + vip);
                            one.setDaemon(true);
                            one.start();
                            inFlight.add(one);
                            inFlight.removeIf(x -> !x.isAlive());
                            next += periodMillis * 1_000_000L;
                            long sleep = (next - System.nanoTime()) / 1_000_000;
                            if (sleep > 0) {
                                Thread.sleep(sleep);
                            }
                            continue;
                        }
                        probe(vip, timeoutMillis, t);
                        long sleep = periodMillis - (System.nanoTime() - t) / 1_000_000;
                        if (sleep > 0) {
                            Thread.sleep(sleep);
                        }
                    }
                    for (Thread one : inFlight) {
                        one.join(10_000);
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "prober-" + vip);
        thread.setDaemon(true);
    }

    private void probe(String vip, int timeoutMillis, long t) {
        String answer = JettyFarm.getOrError(vip, "/wackamole-sample/node", timeoutMillis);
        String node = answer.startsWith("!") ? null : answer;
        synchronized (probes) {
            probes.add(new Probe(t, node, node == null ? answer.substring(1) : null));
            if (node != null && t >= lastAnswerNanos) {
                lastAnswerNanos = t;
                lastAnswer = node;
            }
        }
    }

    public static Prober start(TestNetwork net, String vip, int periodMillis, int timeoutMillis) {
        return start(net, vip, periodMillis, timeoutMillis, java.time.Duration.ofMinutes(10));
    }

    /** As {@link #start(TestNetwork, String, int, int)}, running for {@code bound} at the most. */
    public static Prober start(TestNetwork net, String vip, int periodMillis, int timeoutMillis, java.time.Duration bound) {
        Prober p = new Prober(net, vip, periodMillis, timeoutMillis, bound.toNanos(), false);
        p.thread.start();
        return p;
    }

    /**
     * A probe starts every {@code periodMillis} even while earlier ones wait for their timeout (a dead
     * holder): the first answered probe's start is then within one period of the real moment.
     */
    public static Prober startOverlapping(TestNetwork net, String vip, int periodMillis, int timeoutMillis) {
        Prober p = new Prober(net, vip, periodMillis, timeoutMillis, java.time.Duration.ofMinutes(10).toNanos(), true);
        p.thread.start();
        return p;
    }

    /** The probes so far, forgotten here (a long run judges window by window). */
    public List<Probe> drain() {
        synchronized (probes) {
            List<Probe> out = List.copyOf(probes);
            probes.clear();
            return out;
        }
    }

    public String lastAnswer() {
        return lastAnswer;
    }

    /** The probes so far in the order they started. */
    public List<Probe> snapshot() {
        synchronized (probes) {
            List<Probe> all = new ArrayList<>(probes);
            all.sort(java.util.Comparator.comparingLong(Probe::nanos));
            return List.copyOf(all);
        }
    }

    public Report stop() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
        List<Probe> all = snapshot();
        long failures = all.stream().filter(p -> p.node() == null).count();
        long longest = 0;
        Long lastOk = null;
        for (Probe p : all) {
            if (p.node() != null) {
                if (lastOk != null) {
                    longest = Math.max(longest, (p.nanos() - lastOk) / 1_000_000);
                }
                lastOk = p.nanos();
            }
        }
        String first = all.stream().map(Probe::node).filter(n -> n != null).findFirst().orElse(null);
        return new Report(all, failures, longest, first, lastAnswer);
    }

    @Override
    public String toString() {
        return "Prober" + snapshot().size();
    }
}
