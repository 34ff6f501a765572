package org.wackamole.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
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
import org.wackamole.network.InMemoryNetwork;
import org.wackamole.network.NetworkLog;

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
        Map<String, String> s = new HashMap<>();
        s.put("wackamole.cluster", cluster);
        s.put("wackamole.node", node);
        s.put("wackamole.interface", "eth0");
        s.put("wackamole.vips", "198.51.100.10,198.51.100.11,198.51.100.12,198.51.100.13");
        s.put("wackamole.mature", "0s");
        s.put("wackamole.network", "memory");
        s.put("wackamole.jgroups.config", "wackamole-loopback.xml");
        s.putAll(org.wackamole.security.TestKeys.farm()); // security is on by default: a farm key per test run
        return s;
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
        WackamoleComponent w = component(server);
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 4);
        long firstAcquire = w.getDryRunLog().events().stream().filter(e -> e.kind() == NetworkLog.Kind.ACQUIRE)
                .mapToLong(NetworkLog.Event::nanos).min().orElseThrow();
        assertThat(firstAcquire).as("first acquisition after the server started").isGreaterThanOrEqualTo(startedAt.get());
        assertThat(w.getState()).isEqualTo("RUNNING");
    }

    @Test
    void gracefulStopReleasesBeforeConnectorsCloseAndPeersTakeOver() throws Exception {
        ClusterMember peer = peer("peer");
        Server server = server("web1", Map.of("wackamole.prefer", "198.51.100.10"));
        server.setStopTimeout(5000);
        server.start();
        WackamoleComponent w = component(server);
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2 && peer.status().held().size() == 2);
        AtomicLong connectorStopping = new AtomicLong();
        server.getConnectors()[0].addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                connectorStopping.set(System.nanoTime());
            }
        });
        server.stop();
        List<NetworkLog.Event> releases = w.getDryRunLog().events().stream()
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
        assertThat(component(server).getDryRunLog().events()).noneMatch(e -> e.kind() == NetworkLog.Kind.ACQUIRE);
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
            WackamoleComponent w = component(gated);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            healthOk.set(false);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 0 && peer.status().held().size() == 4);
            assertThat(w.getState()).isEqualTo("DRAINED");
            assertThat(w.isHealthy()).isFalse();
            healthOk.set(true);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            assertThat(w.getState()).isEqualTo("RUNNING");
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
            Set<ObjectName> names = c.queryNames(new ObjectName("org.wackamole:type=wackamole,*"), null);
            assertThat(names).containsExactly(new ObjectName("org.wackamole:type=wackamole,node=web1"));
            ObjectName name = names.iterator().next();
            List<Notification> received = Collections.synchronizedList(new ArrayList<>());
            c.addNotificationListener(name, (n, handback) -> received.add(n), null, null);

            Awaitility.await().atMost(WAIT).until(() -> ((String[]) c.getAttribute(name, "HeldVips")).length == 2);
            assertThat(c.getAttribute(name, "State")).isEqualTo("RUNNING");
            assertThat(c.getAttribute(name, "Node")).isEqualTo("web1");
            assertThat(c.getAttribute(name, "Cluster")).isEqualTo(cluster);
            assertThat((String[]) c.getAttribute(name, "Members")).containsExactlyInAnyOrder("peer", "web1");
            assertThat((String[]) c.getAttribute(name, "Allocation")).hasSize(4).allMatch(s -> s.endsWith("=web1") || s.endsWith("=peer"));
            assertThat(c.getAttribute(name, "ViewId")).isNotNull();
            assertThat(c.getAttribute(name, "Coordinator")).isNotNull();
            assertThat((Long) c.getAttribute(name, "Acquisitions")).isGreaterThanOrEqualTo(2);

            c.invoke(name, "drain", null, null);
            Awaitility.await().atMost(WAIT).until(() -> ((String[]) c.getAttribute(name, "HeldVips")).length == 0);
            assertThat(c.getAttribute(name, "State")).isEqualTo("DRAINED");
            c.invoke(name, "resume", null, null);
            Awaitility.await().atMost(WAIT).until(() -> ((String[]) c.getAttribute(name, "HeldVips")).length == 2);
            String moved = ((String[]) c.getAttribute(name, "HeldVips"))[0];
            c.invoke(name, "release", new Object[] {moved}, new String[] {String.class.getName()});
            Awaitility.await().atMost(WAIT).until(() -> !List.of((String[]) c.getAttribute(name, "HeldVips")).contains(moved)
                    && ((String[]) c.getAttribute(name, "HeldVips")).length == 2);
            assertThat((String[]) c.getAttribute(name, "Allocation")).contains(moved + "=peer");
            c.invoke(name, "rebalance", null, null);
            Awaitility.await().atMost(WAIT).until(() -> received.stream().filter(n -> n.getType().equals(WackamoleComponent.NOTIFICATION_RELEASED)).count() >= 2
                    && received.stream().filter(n -> n.getType().equals(WackamoleComponent.NOTIFICATION_ACQUIRED)).count() >= 2);
            assertThat(received).allMatch(n -> n.getUserData() instanceof String);
        } finally {
            jmx.stop();
        }
    }
}
