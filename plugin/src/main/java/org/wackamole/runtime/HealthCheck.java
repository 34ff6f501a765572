package org.wackamole.runtime;

import java.util.concurrent.CompletableFuture;

/** Whether this server should hold VIPs right now. */
public interface HealthCheck {
    /**
     * Starts one check and returns at once; the future completes with the verdict. It runs on the
     * server's scheduler thread, so any waiting (I/O) must happen elsewhere.
     */
    CompletableFuture<Boolean> check();

    /** For logs and JMX: what is checked, and the latest outcome. */
    String describe();
}
