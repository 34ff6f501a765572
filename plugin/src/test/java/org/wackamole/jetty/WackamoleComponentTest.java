package org.wackamole.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.awaitility.Awaitility;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.cluster.ClusterMember;
import org.wackamole.cluster.JGroupsStacks;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.network.InMemoryNetwork;
import org.wackamole.network.NetworkLog;
import org.wackamole.testing.DryRunSettings;

/** Embedded Jetty with the component, an in-JVM cluster (loopback stack) and the recording network. */
@Timeout(60)
class WackamoleComponentTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String cluster = "jetty-test-" + CLUSTERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    private final List<Server> servers = new ArrayList<>();
    private final List<ClusterMember> peers = new ArrayList<>();
    private final AtomicBoolean healthOk = new AtomicBoolean(true);

    @AfterEach
    void tearDown() throws Exception {
        for (Server s : servers) {
            s.stop();
        }
        peers.forEach(ClusterMember::leave);
    }

    private Map<String, String> settings(String node) {
        return DryRunSettings.of(cluster, node, "198.51.100.10,198.51.100.11,198.51.100.12,198.51.100.13");
    }

    private Server server(String node, Map<String, String> extra) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(healthOk.get() ? 200 : 503);
                callback.succeeded();
                return true;
            }
        });
        WackamoleComponent wackamole = new WackamoleComponent(server);
        Map<String, String> s = settings(node);
        s.putAll(extra);
        s.forEach(wackamole::setSetting);
        server.addBean(wackamole);
        servers.add(server);
        return server;
    }

    private ClusterMember peer(String node) throws Exception {
        Map<String, String> s = settings(node);
        WackamoleConfig c = WackamoleConfig.parse(s, () -> node);
        ClusterMember m = new ClusterMember(c, new InMemoryNetwork(node, new NetworkLog()), JGroupsStacks.fromConfig(c));
        m.start();
        peers.add(m);
        return m;
    }

    private static WackamoleComponent component(Server server) {
        return server.getBean(WackamoleComponent.class);
    }

    /** The member's management contract, as the JMX clients see it. */
    private static WackamoleMXBean mx(Server server) {
        return component(server).runtime().management();
    }

    /** A bean that starts after the component and takes its time, as a slow webapp would. */
    private static final class SlowBean extends AbstractLifeCycle {
        @Override
        protected void doStart() throws Exception {
            Thread.sleep(500);
        }
    }

    @Test
    void claimsOnlyOnceTheServerHasStarted() throws Exception {
        Server server = server("web1", Map.of());
        server.addBean(new SlowBean());
        AtomicLong startedAt = new AtomicLong();
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                startedAt.set(System.nanoTime());
            }
        });
        server.start();
        WackamoleMXBean w = mx(server);
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 4);
        long firstAcquire = component(server).runtime().dryRunLog().events().stream().filter(e -> e.kind() == NetworkLog.Kind.ACQUIRE)
                .mapToLong(NetworkLog.Event::nanos).min().orElseThrow();
        assertThat(firstAcquire).as("first acquisition after the server started").isGreaterThanOrEqualTo(startedAt.get());
        assertThat(w.getState()).isEqualTo("RUNNING");
        assertThat(w.getDrainReasons()).isEmpty();
        // Registered on the platform MBeanServer by the runtime itself: no Jetty jmx module here.
        WackamoleMXBean platform = WackamoleMBeans.proxy(ManagementFactory.getPlatformMBeanServer(), WackamoleMBeans.objectName("web1"));
        assertThat(platform.getHeldVips()).hasSize(4);
    }

    @Test
    void gracefulStopReleasesBeforeConnectorsCloseAndPeersTakeOver() throws Exception {
        ClusterMember peer = peer("peer");
        Server server = server("web1", Map.of("wackamole.prefer", "198.51.100.10"));
        server.setStopTimeout(5000);
        server.start();
        WackamoleMXBean w = mx(server);
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2 && peer.status().held().size() == 2);
        AtomicLong connectorStopping = new AtomicLong();
        server.getConnectors()[0].addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                connectorStopping.set(System.nanoTime());
            }
        });
        server.stop();
        List<NetworkLog.Event> releases = component(server).runtime().dryRunLog().events().stream()
                .filter(e -> e.kind() == NetworkLog.Kind.RELEASE).toList();
        assertThat(releases).hasSize(2);
        assertThat(releases.get(1).nanos()).as("released before the connector stopped").isLessThan(connectorStopping.get());
        Awaitility.await().atMost(WAIT).until(() -> peer.status().held().size() == 4);
        assertThat(w.getState()).isEqualTo("STOPPED");
    }

    @Test
    void nothingIsClaimedWhenTheServerFailsToStart() throws Exception {
        Server server = server("web1", Map.of());
        server.addBean(new AbstractLifeCycle() {
            @Override
            protected void doStart() {
                throw new IllegalStateException("a webapp failed");
            }
        });
        assertThatThrownBy(server::start).hasMessageContaining("a webapp failed");
        Thread.sleep(300);
        assertThat(component(server).runtime().dryRunLog().events()).noneMatch(e -> e.kind() == NetworkLog.Kind.ACQUIRE);
    }

    /** A listener added as a child bean of the component gets the member's events, as one found by ServiceLoader would. */
    @Test
    void aListenerBeanGetsTheEventsAndMetricsAreServedWhileTheServerRuns() throws Exception {
        Server server = server("web1", Map.of("wackamole.metrics.address", "127.0.0.1:0"));
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        component(server).addBean(new org.wackamole.hooks.WackamoleListener() {
            @Override
            public void acquired(org.wackamole.hooks.WackamoleEvent event) {
                events.add("acquired " + event.identity());
            }

            @Override
            public void released(org.wackamole.hooks.WackamoleEvent event) {
                events.add("released " + event.identity());
            }
        });
        server.start();
        Awaitility.await().atMost(WAIT).until(() -> events.size() == 4);
        assertThat(events).allMatch(e -> e.startsWith("acquired "));
        java.net.InetSocketAddress metrics = component(server).runtime().metricsAddress();
        assertThat(metrics).isNotNull();
        String body = new String(java.net.URI.create("http://127.0.0.1:" + metrics.getPort() + "/metrics").toURL().openStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body).contains("wackamole_vips_held{cluster=\"" + cluster + org.wackamole.config.WackamoleConfig.DRY_RUN_SUFFIX + "\",node=\"web1\"} 4.0");
        server.stop();
        assertThat(events).filteredOn(e -> e.startsWith("released ")).hasSize(4); // the hand-over's releases reached it before stop returned
        assertThat(component(server).runtime().metricsAddress()).isNull();
    }

    @Test
    void aBadSettingStopsTheServerWithTheKeyNamed() {
        Server server = server("web1", Map.of("wackamole.mature", "5 minutes"));
        assertThatThrownBy(server::start).hasMessageContaining("wackamole.mature='5 minutes'");
    }

    @Test
    void healthGatingDrainsAndResumes() throws Exception {
        ClusterMember peer = peer("peer");
        // The health endpoint: an HTTP server of the test's own on loopback, flipped between 200 and 503.
        com.sun.net.httpserver.HttpServer health = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        health.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(healthOk.get() ? 200 : 503, -1);
            exchange.close();
        });
        health.start();
        try {
            Server gated = server("web1", Map.of(
                    "wackamole.health.url", "http://127.0.0.1:" + health.getAddress().getPort() + "/health",
                    "wackamole.health.interval", "100ms", "wackamole.health.threshold", "2"));
            gated.start();
            WackamoleMXBean w = mx(gated);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            healthOk.set(false);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 0 && peer.status().held().size() == 4);
            assertThat(w.getState()).isEqualTo("DRAINED");
            assertThat(w.isHealthy()).isFalse();
            assertThat(w.getDrainReasons()).containsExactly("UNHEALTHY");
            assertThat(w.getHealthChecks()).singleElement().asString().startsWith("GET http://127.0.0.1:").contains("/health (");
            healthOk.set(true);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            assertThat(w.getState()).isEqualTo("RUNNING");
            assertThat(w.getDrainReasons()).isEmpty();
        } finally {
            health.stop(0);
        }
    }

    @Test
    void mbeanOverARealJmxConnection() throws Exception {
        peer("peer");
        Server server = server("web1", Map.of());
        MBeanContainer mbeans = new MBeanContainer(ManagementFactory.getPlatformMBeanServer());
        server.addEventListener(mbeans);
        server.addBean(mbeans);
        server.start();
        JMXConnectorServer jmx = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"), null, ManagementFactory.getPlatformMBeanServer());
        jmx.start();
        try (JMXConnector client = JMXConnectorFactory.connect(jmx.getAddress())) {
            MBeanServerConnection c = client.getMBeanServerConnection();
            // Jetty's jmx module is on (MBeanContainer): still one MBean of the contract, the runtime's.
            Set<ObjectName> names = WackamoleMBeans.find(c);
            assertThat(names).containsExactly(new ObjectName("org.wackamole:type=wackamole,node=web1"));
            ObjectName name = names.iterator().next();
            assertThat(JMX.isMXBeanInterface(WackamoleMXBean.class)).isTrue();
            assertThat(c.getMBeanInfo(name).getDescriptor().getFieldValue("mxbean")).isEqualTo("true");
            WackamoleMXBean w = WackamoleMBeans.proxy(c, name);
            List<Notification> received = Collections.synchronizedList(new ArrayList<>());
            ((NotificationEmitter) w).addNotificationListener((n, handback) -> received.add(n), null, null);

            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            assertThat(w.getState()).isEqualTo("RUNNING");
            assertThat(w.getNode()).isEqualTo("web1");
            assertThat(w.getCluster()).as("a dry run joins a cluster of its own").isEqualTo(cluster + org.wackamole.config.WackamoleConfig.DRY_RUN_SUFFIX);
            assertThat(w.getMembers()).containsExactlyInAnyOrder("peer", "web1");
            assertThat(w.getAllocation()).hasSize(4).allMatch(s -> s.endsWith("=web1") || s.endsWith("=peer"));
            assertThat(w.getViewId()).isNotNull();
            assertThat(w.getCoordinator()).isNotNull();
            assertThat(w.getAcquisitions()).isGreaterThanOrEqualTo(2);
            assertThat(w.getPauses()).isZero();
            assertThat(w.getSettings()).contains("wackamole.node=web1");

            w.drain();
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 0);
            assertThat(w.getState()).isEqualTo("DRAINED");
            assertThat(w.isDrained()).isTrue();
            assertThat(w.getDrainReasons()).containsExactly("OPERATOR");
            w.resume();
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            String moved = w.getHeldVips()[0];
            w.release(moved);
            Awaitility.await().atMost(WAIT).until(() -> !List.of(w.getHeldVips()).contains(moved) && w.getHeldVips().length == 2);
            assertThat(w.getAllocation()).contains(moved + "=peer");
            w.rebalance();
            Awaitility.await().atMost(WAIT).until(() -> received.stream().filter(n -> n.getType().equals(WackamoleMXBean.NOTIFICATION_RELEASED)).count() >= 2
                    && received.stream().filter(n -> n.getType().equals(WackamoleMXBean.NOTIFICATION_ACQUIRED)).count() >= 2);
            assertThat(received).allMatch(n -> n.getUserData() instanceof String);
        } finally {
            jmx.stop();
        }
    }
}
