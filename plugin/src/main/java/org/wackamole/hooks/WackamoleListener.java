package org.wackamole.hooks;

/**
 * Code deployed with the server that wants to know when this member's VIPs or state change, e.g. to
 * tell a cloud provider's API that a secondary address moved. Implementations are found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/org.wackamole.hooks.WackamoleListener}
 * file in a jar on the server's class path: {@code lib/ext} in Jetty, {@code lib} in Tomcat) when the
 * member starts, or added with {@code WackamoleRuntime.addListener}; in Jetty a bean of this type
 * added to the {@code WackamoleComponent} is one too.
 *
 * <p>Each listener is called on a thread of its own, one event at a time in the order they happened,
 * never on the cluster's protocol thread: a slow listener delays only its own later events, never an
 * acquisition or a release. Its queue is bounded; events it cannot take are dropped and counted
 * (JMX {@code HookDropped}), and an exception it throws is logged and counted ({@code HookFailures}).
 * Every method defaults to doing nothing.
 */
public interface WackamoleListener {
    /** A VIP group was added to this host's interfaces and announced. */
    default void acquired(WackamoleEvent event) {
    }

    /** A VIP group was removed from this host (planned move, drain, stop, failover elsewhere). */
    default void released(WackamoleEvent event) {
    }

    /** This member's state changed ({@link WackamoleEvent#state()}, {@link WackamoleEvent#previousState()}). */
    default void stateChanged(WackamoleEvent event) {
    }

    /** Another host answers for an address of the group ({@link WackamoleEvent#conflictMac()}). */
    default void conflict(WackamoleEvent event) {
    }
}
