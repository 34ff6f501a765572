package org.wackamole.cluster;

import java.util.function.LongSupplier;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.VERIFY_SUSPECT;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.stack.ProtocolStack;

/**
 * Notices that this process did not run for a while: a SIGSTOP, a long GC pause, a frozen VM, a
 * starved CPU. Its peers may have excluded it meanwhile while its kernel kept the VIPs, so the
 * member must act as if it had been excluded before it trusts anything it still has queued.
 *
 * <p>A ticker thread records the monotonic clock every {@link #TICK_MS} ms; a gap between two ticks
 * longer than the threshold is a pause. The protocol thread also checks, before each step, how old
 * the last tick is: after a SIGCONT either thread may run first, and neither order may let a step
 * act on stale state. Each pause is reported once.
 */
final class PauseDetector {
    static final long TICK_MS = 10;
    /** Used when the stack has no FD_ALL3 to derive the threshold from. */
    static final long DEFAULT_THRESHOLD_MS = 1000;

    private final long thresholdNanos;
    private final LongSupplier clock;
    private long lastTick;
    /** Start of a pause the ticker saw and the protocol thread has not handled yet, or 0. */
    private long pendingStart;
    private long pendingEnd;
    private long handledStart = Long.MIN_VALUE;

    PauseDetector(long thresholdMillis, LongSupplier nanoClock) {
        if (thresholdMillis <= 0) {
            throw new IllegalArgumentException("threshold must be positive: " + thresholdMillis);
        }
        this.thresholdNanos = thresholdMillis * 1_000_000;
        this.clock = nanoClock;
        this.lastTick = nanoClock.getAsLong();
    }

    long thresholdMillis() {
        return thresholdNanos / 1_000_000;
    }

    /** The ticker's step. Returns true when it has just seen a pause (the caller wakes the protocol thread). */
    synchronized boolean tick() {
        long now = clock.getAsLong();
        long previous = lastTick;
        lastTick = now;
        if (now - previous > thresholdNanos && previous != handledStart) {
            pendingStart = previous;
            pendingEnd = now;
            return true;
        }
        return false;
    }

    /**
     * The protocol thread's check before each step: the length in ms of a pause not yet handled, or
     * 0. A pause is reported once, whichever thread noticed it first.
     */
    synchronized long takePause() {
        long now = clock.getAsLong();
        long start;
        long end;
        if (now - lastTick > thresholdNanos) {
            start = lastTick; // the ticker has not run since: we are first after the pause
            end = now;
        } else if (pendingStart != 0) {
            start = pendingStart;
            end = pendingEnd;
        } else {
            return 0;
        }
        pendingStart = 0;
        if (start == handledStart) {
            return 0;
        }
        handledStart = start;
        return Math.max(1, (end - start) / 1_000_000);
    }

    /**
     * The shortest pause after which peers could exclude us, less one heartbeat: FD_ALL3 suspects a
     * member silent for {@code timeout} (our last heartbeat left up to {@code interval} before the
     * pause), then VERIFY_SUSPECT (or VERIFY_SUSPECT2) waits its {@code timeout} for any sign of life; one more interval
     * covers a heartbeat lost just before the pause. Lower would make every scheduling hiccup drop
     * our VIPs; higher would let an excluded member keep its addresses until a merge.
     */
    static long thresholdFor(ProtocolStack stack) {
        FD_ALL3 fd = stack.findProtocol(FD_ALL3.class);
        if (fd == null) {
            return DEFAULT_THRESHOLD_MS;
        }
        VERIFY_SUSPECT verify = stack.findProtocol(VERIFY_SUSPECT.class);
        VERIFY_SUSPECT2 verify2 = stack.findProtocol(VERIFY_SUSPECT2.class);
        long verifying = verify != null ? verify.getTimeout() : verify2 != null ? verify2.getTimeout() : 0;
        long exclusion = fd.getTimeout() - fd.getInterval() + verifying;
        return Math.max(2 * TICK_MS, exclusion - fd.getInterval());
    }
}
