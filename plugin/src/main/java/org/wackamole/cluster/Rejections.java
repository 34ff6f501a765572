package org.wackamole.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Counts the cluster messages a member refuses (not written with the farm's key, malformed or out of range, from
 * outside the view, too far ahead, or beyond a buffer's bound) and logs them without letting a flood flood the log: the
 * first at once, then at most one line per period saying how many more there were. Safe from any thread: JGroups'
 * receiving threads reject before anything reaches the protocol thread.
 */
final class Rejections {
    static final long LOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final LongSupplier nanoClock;
    private final AtomicLong count = new AtomicLong();
    private boolean loggedOnce;
    private long nextLogNanos;
    private long suppressed;

    Rejections(Logger log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
    }

    /** One message refused; {@code why} says what was wrong with it (keep it free of the message's own text). */
    void reject(Object from, String why) {
        count.incrementAndGet();
        long skipped;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (loggedOnce && now - nextLogNanos < 0) {
                suppressed++;
                return;
            }
            loggedOnce = true;
            nextLogNanos = now + LOG_PERIOD_NANOS;
            skipped = suppressed;
            suppressed = 0;
        }
        if (skipped == 0) {
            log.warn("Rejected a cluster message from {}: {}", from, why);
        } else {
            log.warn("Rejected a cluster message from {}: {} ({} more rejected in the last {} s)", from, why, skipped,
                    TimeUnit.NANOSECONDS.toSeconds(LOG_PERIOD_NANOS));
        }
    }

    long count() {
        return count.get();
    }
}
