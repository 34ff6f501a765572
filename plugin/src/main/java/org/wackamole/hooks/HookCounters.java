package org.wackamole.hooks;

import java.util.concurrent.atomic.AtomicLong;

/** What the hooks of one member did since it started; read by JMX and the metrics. */
public final class HookCounters {
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** Hook executables started (or that could not be started). */
    public long runs() {
        return runs.get();
    }

    /** Executables that exited non-zero or could not be started, and Java listeners that threw. */
    public long failures() {
        return failures.get();
    }

    /** Executables killed because they ran longer than {@code wackamole.hook.timeout}. */
    public long timeouts() {
        return timeouts.get();
    }

    /** Events not delivered because a hook's queue was full (it is slower than the events come). */
    public long dropped() {
        return dropped.get();
    }

    void ran() {
        runs.incrementAndGet();
    }

    void failed() {
        failures.incrementAndGet();
    }

    void timedOut() {
        timeouts.incrementAndGet();
    }

    long droppedOne() {
        return dropped.incrementAndGet();
    }
}
