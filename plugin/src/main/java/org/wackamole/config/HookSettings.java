package org.wackamole.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The executables run when this member's VIPs or state change (none: null), and how long one may run
 * before it is killed.
 *
 * @param acquire run after a VIP group is acquired here
 * @param release run after a VIP group is released here
 * @param state   run after this member's state changed (JOINING, MATURING, RUNNING, ...)
 * @param timeout a run still going after this long is killed, with its child processes
 */
public record HookSettings(Path acquire, Path release, Path state, Duration timeout) {

    /** Whether any executable is configured. */
    public boolean any() {
        return acquire != null || release != null || state != null;
    }
}
