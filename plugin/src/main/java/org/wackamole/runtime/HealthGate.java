package org.wackamole.runtime;

/**
 * The hysteresis of health gating, free of I/O: unhealthy after {@code threshold} failed checks in
 * a row, healthy again after one success (a flapping check then costs few moves).
 */
final class HealthGate {
    private final int threshold;
    private int failures;
    private boolean healthy = true;

    HealthGate(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be positive: " + threshold);
        }
        this.threshold = threshold;
    }

    /** Records one check; true when this changed {@link #healthy()}. */
    synchronized boolean record(boolean ok) {
        if (ok) {
            failures = 0;
            if (!healthy) {
                healthy = true;
                return true;
            }
            return false;
        }
        failures++;
        if (healthy && failures >= threshold) {
            healthy = false;
            return true;
        }
        return false;
    }

    synchronized boolean healthy() {
        return healthy;
    }

    synchronized int failuresInARow() {
        return failures;
    }
}
