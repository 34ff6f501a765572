package org.wackamole.tomcat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.Setting;
import org.wackamole.runtime.Scheduler;
import org.wackamole.runtime.SettingNames;
import org.wackamole.runtime.WackamoleRuntime;

/**
 * Wackamole inside Tomcat: a listener of the {@link Server}, declared in {@code conf/server.xml}:
 *
 * <pre>{@code <Listener className="org.wackamole.tomcat.WackamoleLifecycleListener"
 *           interface="eth0" vips="198.51.100.10,198.51.100.11" prefer="198.51.100.10"/>}</pre>
 *
 * Each attribute is a {@code wackamole.*} key without the prefix, camelCase across its dots
 * ({@code balancePerRound}, {@code healthUrl}, {@code jgroupsConfig} …), the names of the Jetty
 * setters; {@code configFile} names a file of {@code wackamole.*=value} lines (relative to
 * {@code catalina.base}), which the attributes override.
 *
 * <p>Lifecycle: the member joins at the Server's {@code before_start} without claiming (a bad setting
 * fails the start there, naming the key, before any address is touched), claims at {@code after_start}
 * (connectors accept), hands its VIPs over at {@code before_stop} (connectors still serve: they pause
 * only when the services stop) and is stopped at {@code after_stop}. Health checks run on the Server's
 * utility executor, from {@code after_start} on.
 */
public class WackamoleLifecycleListener implements LifecycleListener {
    private static final Logger LOG = LoggerFactory.getLogger(WackamoleLifecycleListener.class);
    /** Attributes the digester passes on that belong to the element, not to us. */
    private static final List<String> ELEMENT_ATTRIBUTES = List.of("className", "optional");

    private final WackamoleRuntime runtime = new WackamoleRuntime();
    private final List<String> unknown = new ArrayList<>();

    /**
     * Every attribute but {@code configFile} lands here (Tomcat's digester falls back to this method
     * when there is no setter of that name).
     *
     * @return false for an attribute that is no setting: the start then fails naming it
     */
    public boolean setProperty(String name, String value) {
        if (ELEMENT_ATTRIBUTES.contains(name)) {
            return true;
        }
        Optional<Setting> setting = SettingNames.forAttribute(name);
        if (setting.isEmpty()) {
            unknown.add(name);
            return false;
        }
        runtime.set(setting.get(), value);
        return true;
    }

    /** A file of {@code wackamole.*=value} lines; a relative path is resolved against {@code catalina.base}. */
    public void setConfigFile(String file) {
        Path path = Path.of(file);
        String base = System.getProperty("catalina.base");
        runtime.setConfigFile(path.isAbsolute() || base == null ? path : Path.of(base).resolve(path));
    }

    /** The runtime behind this listener: its {@code management()} is the JMX contract. */
    public WackamoleRuntime runtime() {
        return runtime;
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (!(event.getLifecycle() instanceof Server server)) {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                throw new IllegalStateException(getClass().getName() + " must be declared inside <Server>, not in "
                        + event.getLifecycle());
            }
            return;
        }
        try {
            switch (event.getType()) {
                case Lifecycle.BEFORE_START_EVENT -> start(server);
                case Lifecycle.AFTER_START_EVENT -> runtime.serving();
                case Lifecycle.BEFORE_STOP_EVENT -> runtime.stopping();
                case Lifecycle.AFTER_STOP_EVENT -> runtime.stop();
                default -> {
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Tomcat wraps this into its LifecycleException: the start fails with our message.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void start(Server server) throws Exception {
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("WackamoleLifecycleListener has no attribute " + unknown
                    + "; its attributes are configFile and " + Stream.of(Setting.values()).map(SettingNames::attribute)
                    .collect(Collectors.joining(", ")));
        }
        LOG.debug("Starting Wackamole in {}", server);
        // The utility executor exists only once the Server is in its startInternal: look it up per use.
        Scheduler utility = (task, delay) -> Scheduler.of(server.getUtilityExecutor()).schedule(task, delay);
        runtime.start(utility, List.of());
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + runtime + "}";
    }
}
