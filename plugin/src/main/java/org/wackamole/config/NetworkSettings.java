package org.wackamole.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * How holding a VIP is carried out on the host.
 *
 * @param real              false for a dry run that only records (wackamole.network=memory)
 * @param announceCount     announcements after taking a VIP, the first at once
 * @param announceInterval  time between them
 * @param announceRefresh   re-announce held VIPs this often; zero: never
 * @param notifyTargets     IPv4 hosts sent an ARP naming each VIP taken (Wackamole's notify list)
 * @param notifyRate        most notify ARPs per second
 * @param watchdogInterval  how often held addresses are checked; zero: never
 */
public record NetworkSettings(boolean real, int announceCount, Duration announceInterval, Duration announceRefresh,
                              List<InetAddress> notifyTargets, int notifyRate, Duration watchdogInterval) {
    public NetworkSettings {
        notifyTargets = List.copyOf(notifyTargets);
    }

    /** One announcement, no refresh, no notify list, no watchdog: for tools that run once and exit. */
    public static NetworkSettings oneShot() {
        return new NetworkSettings(true, 1, Duration.ofSeconds(1), Duration.ZERO, List.of(), 1, Duration.ZERO);
    }

    /** Defaults for code that builds a network without a configuration (tests, benchmarks). */
    public static NetworkSettings defaults() {
        return new NetworkSettings(true, 3, Duration.ofSeconds(1), Duration.ZERO, List.of(), 200, Duration.ofSeconds(2));
    }
}
