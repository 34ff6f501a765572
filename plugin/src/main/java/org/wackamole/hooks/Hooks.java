package org.wackamole.hooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.HookSettings;

/**
 * One member's hooks: the {@code wackamole.hook.*} executables and the Java {@link WackamoleListener}s.
 * {@link #publish} only enqueues and returns, so the protocol thread that calls it is never held up;
 * every listener has its own single thread and bounded queue ("lane"), so one slow listener delays
 * only itself, and an event a full lane cannot take is dropped and counted rather than waited for.
 */
public final class Hooks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
    /** Events a listener may lag behind before new ones are dropped; a farm sees a handful per failover. */
    static final int QUEUE_CAPACITY = 100;

    private final HookCounters counters = new HookCounters();
    private final List<Lane> lanes = new ArrayList<>();
    private final Duration closeWait;

    /**
     * @param settings  the executables and their timeout
     * @param listeners Java listeners (found by {@link #discover} or given by the server adapter)
     * @param node      for thread names
     * @param capacity  events each listener's queue holds
     */
    public Hooks(HookSettings settings, Collection<? extends WackamoleListener> listeners, String node, int capacity) {
        this.closeWait = settings.timeout();
        if (settings.any()) {
            lanes.add(new Lane(new ScriptHooks(settings, counters), "wackamole-hook-" + node, capacity));
        }
        int i = 0;
        for (WackamoleListener l : listeners) {
            lanes.add(new Lane(l, "wackamole-listener-" + node + "-" + ++i, capacity));
        }
    }

    public Hooks(HookSettings settings, Collection<? extends WackamoleListener> listeners, String node) {
        this(settings, listeners, node, QUEUE_CAPACITY);
    }

    /** No hooks at all: what a member has before its first start. */
    public static Hooks none() {
        return new Hooks(new HookSettings(null, null, null, Duration.ofSeconds(1)), List.of(), "none");
    }

    /**
     * The listeners of {@code META-INF/services/org.wackamole.hooks.WackamoleListener} visible to
     * {@code loader}. One that cannot be loaded is logged and left out: the VIPs matter more than it.
     */
    public static List<WackamoleListener> discover(ClassLoader loader) {
        List<WackamoleListener> found = new ArrayList<>();
        var it = ServiceLoader.load(WackamoleListener.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                WackamoleListener l = it.next();
                LOG.info("Wackamole listener {} found", l.getClass().getName());
                found.add(l);
            } catch (ServiceConfigurationError e) {
                LOG.error("A Wackamole listener could not be loaded and is left out: {}", e.getMessage());
            }
        }
        return found;
    }

    public HookCounters counters() {
        return counters;
    }

    /** Hands the event to every listener's queue and returns at once. */
    public void publish(WackamoleEvent event) {
        for (Lane lane : lanes) {
            lane.offer(event);
        }
    }

    /**
     * Lets queued events run for at most the hook timeout (a release at stop still reaches its hook),
     * then interrupts what is left, killing a running executable.
     */
    @Override
    public void close() {
        lanes.forEach(l -> l.executor.shutdown());
        long deadline = System.nanoTime() + closeWait.toNanos();
        for (Lane lane : lanes) {
            try {
                if (!lane.executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    List<Runnable> left = lane.executor.shutdownNow();
                    LOG.warn("Stopping: {} left {} event(s) undelivered and was interrupted", lane.listener, left.size());
                }
            } catch (InterruptedException e) {
                lanes.forEach(l -> l.executor.shutdownNow());
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Lane {
        final WackamoleListener listener;
        final ThreadPoolExecutor executor;
        final int capacity;

        Lane(WackamoleListener listener, String thread, int capacity) {
            this.listener = listener;
            this.capacity = capacity;
            this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), r -> {
                Thread t = new Thread(r, thread);
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
        }

        void offer(WackamoleEvent event) {
            try {
                executor.execute(() -> deliver(event));
            } catch (RejectedExecutionException e) {
                if (executor.isShutdown()) {
                    return; // stopping: nothing is delivered any more
                }
                long n = counters.droppedOne();
                if (n == 1 || n % 100 == 0) { // one line per burst, not one per event
                    LOG.warn("{} is {} events behind: dropped this {} event ({} dropped so far)", listener, capacity,
                            event.kind().word(), n);
                }
            }
        }

        private void deliver(WackamoleEvent event) {
            try {
                switch (event.kind()) {
                    case ACQUIRED -> listener.acquired(event);
                    case RELEASED -> listener.released(event);
                    case STATE -> listener.stateChanged(event);
                    case CONFLICT -> listener.conflict(event);
                }
            } catch (RuntimeException | LinkageError e) {
                counters.failed();
                LOG.warn("Wackamole listener {} failed on {} {}: {}", listener, event.kind().word(),
                        event.identity() != null ? event.identity() : event.state(), e.toString());
            }
        }
    }
}
