package org.wackamole.jetty;

/** Whether this server should hold VIPs right now; checks are child beans of {@link WackamoleComponent}. */
public interface HealthCheck {
    /** Called from the component's health thread; must not block longer than the check interval. */
    boolean healthy();

    /** For logs and JMX: what is checked. */
    String describe();
}
