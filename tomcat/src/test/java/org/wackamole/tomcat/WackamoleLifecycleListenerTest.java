package org.wackamole.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wackamole.cluster.ClusterMember;
import org.wackamole.cluster.JGroupsStacks;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.network.InMemoryNetwork;
import org.wackamole.network.NetworkLog;

/** Embedded Tomcat 11 with the listener, an in-JVM cluster (loopback stack) and the recording network. */
@Timeout(60)
class WackamoleLifecycleListenerTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String cluster = "tomcat-test-" + CLUSTERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    private final List<Tomcat> servers = new ArrayList<>();
    private final List<ClusterMember> peers = new ArrayList<>();
    @TempDir
    Path baseDir;

    @AfterEach
    void tearDown() throws Exception {
        for (Tomcat t : servers) {
            if (t.getServer().getState() != LifecycleState.DESTROYED) {
                t.stop();
                t.destroy();
            }
        }
        peers.forEach(ClusterMember::leave);
    }

    private Map<String, String> attributes(String node) {
        Map<String, String> a = new HashMap<>();
        a.put("cluster", cluster);
        a.put("node", node);
        a.put("interface", "eth0");
        a.put("vips", "198.51.100.10,198.51.100.11,198.51.100.12,198.51.100.13");
        a.put("mature", "0s");
        a.put("network", "memory");
        a.put("jgroupsConfig", "wackamole-loopback.xml");
        // Security is on by default: every member of the test farm gets this run's key.
        org.wackamole.security.TestKeys.farm().forEach((k, v) ->
                a.put(org.wackamole.runtime.SettingNames.attribute(org.wackamole.config.Setting.forKey(k).orElseThrow()), v));
        return a;
    }

    private WackamoleLifecycleListener listener;

    /** A Tomcat as server.xml would declare it: the listener on the Server, one connector on loopback. */
    private Tomcat tomcat(String node, Map<String, String> extra) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.resolve(node + "-" + servers.size()).toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        listener = new WackamoleLifecycleListener();
        Map<String, String> a = attributes(node);
        a.putAll(extra);
        a.forEach((k, v) -> assertThat(listener.setProperty(k, v)).as(k).isTrue());
        tomcat.getServer().addLifecycleListener(listener);
        servers.add(tomcat);
        return tomcat;
    }

    private ClusterMember peer(String node) throws Exception {
        Map<String, String> s = new HashMap<>(Map.of("wackamole.cluster", cluster, "wackamole.node", node, "wackamole.interface", "eth0",
                "wackamole.vips", attributes(node).get("vips"), "wackamole.mature", "0s", "wackamole.network", "memory",
                "wackamole.jgroups.config", "wackamole-loopback.xml"));
        s.putAll(org.wackamole.security.TestKeys.farm());
        WackamoleConfig c = WackamoleConfig.parse(s, () -> node);
        ClusterMember m = new ClusterMember(c, new InMemoryNetwork(node, new NetworkLog()), JGroupsStacks.fromConfig(c));
        m.start();
        peers.add(m);
        return m;
    }

    private List<NetworkLog.Event> events(NetworkLog.Kind kind) {
        return listener.runtime().dryRunLog().events().stream().filter(e -> e.kind() == kind).toList();
    }

    @Test
    void claimsOnlyAfterTheServerHasStarted() throws Exception {
        Tomcat tomcat = tomcat("tc1", Map.of());
        // A slow service start, as a slow webapp would be: the member has joined, mature=0s, yet claims nothing.
        tomcat.getService().addLifecycleListener(event -> {
            if (Lifecycle.START_EVENT.equals(event.getType())) {
                sleep(500);
            }
        });
        AtomicLong afterStart = new AtomicLong();
        tomcat.getServer().addLifecycleListener(event -> {
            if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
                afterStart.compareAndSet(0, System.nanoTime());
            }
        });
        tomcat.start();
        WackamoleMXBean w = listener.runtime().management();
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 4);
        long firstAcquire = events(NetworkLog.Kind.ACQUIRE).stream().mapToLong(NetworkLog.Event::nanos).min().orElseThrow();
        assertThat(firstAcquire).as("first acquisition after after_start").isGreaterThanOrEqualTo(afterStart.get());
        assertThat(w.getState()).isEqualTo("RUNNING");
        assertThat(w.getDrainReasons()).isEmpty();
    }

    @Test
    void nothingIsClaimedWhenTheStartFails() throws Exception {
        Tomcat tomcat = tomcat("tc1", Map.of());
        tomcat.getService().addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                throw new IllegalStateException("a service failed");
            }
        });
        assertThatThrownBy(tomcat::start).isInstanceOf(LifecycleException.class);
        Thread.sleep(300);
        assertThat(listener.runtime().management().getDrainReasons()).containsExactly("STARTING");
        assertThat(events(NetworkLog.Kind.ACQUIRE)).isEmpty();
        tomcat.stop(); // what Catalina does after a failed start (destroy stops first)
        assertThat(listener.runtime().isRunning()).isFalse();
        assertThat(events(NetworkLog.Kind.ACQUIRE)).isEmpty();
    }

    @Test
    void handsOverAtBeforeStopBeforeTheConnectorPauses() throws Exception {
        ClusterMember peer = peer("peer");
        Tomcat tomcat = tomcat("tc1", Map.of("prefer", "198.51.100.10"));
        tomcat.start();
        WackamoleMXBean w = listener.runtime().management();
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2 && peer.status().held().size() == 2);
        // The service pauses its connectors first thing in its stop, right after its before_stop.
        AtomicLong serviceStopping = new AtomicLong();
        tomcat.getService().addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_STOP_EVENT.equals(event.getType())) {
                serviceStopping.set(System.nanoTime());
            }
        });
        tomcat.stop();
        List<NetworkLog.Event> releases = events(NetworkLog.Kind.RELEASE);
        assertThat(releases).hasSize(2);
        assertThat(releases.get(1).nanos()).as("released before the connector paused").isLessThan(serviceStopping.get());
        Awaitility.await().atMost(WAIT).until(() -> peer.status().held().size() == 4);
        assertThat(w.getState()).isEqualTo("STOPPED");
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(WackamoleMBeans.objectName("tc1")))
                .as("unregistered at stop").isFalse();
    }

    @Test
    void aBadSettingFailsTheStartNamingTheKey() {
        Tomcat tomcat = tomcat("tc1", Map.of("mature", "5 minutes"));
        assertThatThrownBy(tomcat::start).isInstanceOf(LifecycleException.class)
                .rootCause().hasMessageContaining("wackamole.mature='5 minutes'");
        assertThat(listener.runtime().isRunning()).isFalse();
        assertThat(listener.runtime().dryRunLog().events()).isEmpty();
    }

    @Test
    void anUnknownAttributeFailsTheStartNamingIt() {
        Tomcat tomcat = tomcat("tc1", Map.of());
        assertThat(listener.setProperty("vipz", "198.51.100.10")).isFalse();
        assertThat(listener.setProperty("className", WackamoleLifecycleListener.class.getName())).isTrue();
        assertThatThrownBy(tomcat::start).rootCause().hasMessageContaining("no attribute [vipz]").hasMessageContaining("vips");
    }

    @Test
    void attributesOverrideTheConfigFile() throws Exception {
        Path file = baseDir.resolve("wackamole.properties");
        Files.writeString(file, "# from a file\nwackamole.vips=198.51.100.20,198.51.100.21\nwackamole.weight=7\n");
        Tomcat tomcat = tomcat("tc1", Map.of("vips", "198.51.100.30"));
        listener.setConfigFile(file.toString());
        tomcat.start();
        WackamoleMXBean w = listener.runtime().management();
        Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 1);
        assertThat(w.getHeldVips()).containsExactly("198.51.100.30");
        assertThat(w.getSettings()).contains("wackamole.weight=7", "wackamole.vips=198.51.100.30");
    }

    @Test
    void healthGatingDrainsAndResumes() throws Exception {
        ClusterMember peer = peer("peer");
        AtomicBoolean healthOk = new AtomicBoolean(true);
        HttpServer health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        health.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(healthOk.get() ? 200 : 503, -1);
            exchange.close();
        });
        health.start();
        try {
            Tomcat tomcat = tomcat("tc1", Map.of("healthUrl", "http://127.0.0.1:" + health.getAddress().getPort() + "/health",
                    "healthInterval", "100ms", "healthThreshold", "2"));
            tomcat.start();
            WackamoleMXBean w = listener.runtime().management();
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            healthOk.set(false);
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 0 && peer.status().held().size() == 4);
            assertThat(w.getState()).isEqualTo("DRAINED");
            assertThat(w.isHealthy()).isFalse();
            assertThat(w.getDrainReasons()).containsExactly("UNHEALTHY");
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
        Tomcat tomcat = tomcat("tc1", Map.of());
        tomcat.start();
        JMXConnectorServer jmx = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("service:jmx:rmi://127.0.0.1"), null, ManagementFactory.getPlatformMBeanServer());
        jmx.start();
        try (JMXConnector client = JMXConnectorFactory.connect(jmx.getAddress())) {
            MBeanServerConnection c = client.getMBeanServerConnection();
            assertThat(WackamoleMBeans.find(c)).containsExactly(new ObjectName("org.wackamole:type=wackamole,node=tc1"));
            WackamoleMXBean w = WackamoleMBeans.proxy(c, WackamoleMBeans.objectName("tc1"));
            List<Notification> received = Collections.synchronizedList(new ArrayList<>());
            ((NotificationEmitter) w).addNotificationListener((n, handback) -> received.add(n), null, null);

            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 2);
            assertThat(w.getNode()).isEqualTo("tc1");
            assertThat(w.getCluster()).as("a dry run joins a cluster of its own").isEqualTo(cluster + org.wackamole.config.WackamoleConfig.DRY_RUN_SUFFIX);
            assertThat(w.getMembers()).containsExactlyInAnyOrder("peer", "tc1");
            assertThat(w.getAllocation()).hasSize(4).allMatch(s -> s.endsWith("=tc1") || s.endsWith("=peer"));
            assertThat(w.getPauses()).isZero();
            assertThat(c.getMBeanInfo(WackamoleMBeans.objectName("tc1")).getOperations())
                    .anyMatch(op -> op.getName().equals("release") && op.getSignature()[0].getName().equals("identity"));

            w.drain();
            Awaitility.await().atMost(WAIT).until(() -> w.getHeldVips().length == 0);
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
