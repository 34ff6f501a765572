package org.wackamole.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timer the server lends the runtime (Jetty's {@code Server.getScheduler()}, Tomcat's utility
 * executor), so that Wackamole adds no thread of its own for health checks. Tasks must be short:
 * the runtime only starts work there and never blocks the server's timer.
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs the task once after the delay, on the scheduler's thread; the result cancels it. */
    Cancellable schedule(Runnable task, Duration delay);

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delay) -> {
            ScheduledFuture<?> f = executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }
}
