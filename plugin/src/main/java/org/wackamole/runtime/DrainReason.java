package org.wackamole.runtime;

/**
 * Why a member holds nothing although it is in the cluster. Several can hold at once; the member
 * takes its share only while there is none. Shown over JMX as {@code DrainReasons}.
 */
public enum DrainReason {
    /** The server is not serving yet (connectors not accepting): joined, claiming nothing. */
    STARTING,
    /** The health checks failed {@code wackamole.health.threshold} times in a row. */
    UNHEALTHY,
    /** An operator called {@code drain()}; {@code resume()} lifts it. */
    OPERATOR,
    /** The server is stopping: the VIPs are handed over to peers before the connectors close. */
    LEAVING
}
