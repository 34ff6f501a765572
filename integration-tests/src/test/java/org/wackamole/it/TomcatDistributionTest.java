package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;
import org.wackamole.network.linux.TestNetwork;

/**
 * The bundle on the stock Tomcat 11.0.24 distribution, installed as README says (untar into
 * CATALINA_BASE, the listener in conf/server.xml, the sample WAR in webapps/), run with
 * {@code bin/catalina.sh run} on the dry-run network (no privileges needed), and as root once more
 * on the real network in a namespace. Stopped by SIGTERM (Catalina's shutdown hook) and by
 * {@code bin/shutdown.sh} (the shutdown port): both hand the VIPs over before the connector pauses.
 */
@Timeout(180)
class TomcatDistributionTest {

    private static Map<String, String> attributes(String node) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("cluster", "tomcat-dist-" + ProcessHandle.current().pid());
        a.put("node", node);
        a.put("interface", "eth0");
        a.put("vips", "198.51.100.10,198.51.100.11");
        a.put("mature", "0s");
        a.put("network", "memory");
        a.put("jgroupsConfig", "wackamole-loopback.xml");
        // Security is on by default: a key of this run's own.
        try {
            for (String line : FarmKeys.create(java.nio.file.Files.createTempDirectory("tomcat-key"), "farm")) {
                int eq = line.indexOf('=');
                a.put(org.wackamole.runtime.SettingNames.attribute(org.wackamole.config.Setting.forKey(line.substring(0, eq)).orElseThrow()),
                        line.substring(eq + 1));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return a;
    }

    /** Every address was released (as logged) before the HTTP connector paused: clients were served until then. */
    private static void assertReleasedBeforeThePause(String text, String... released) {
        int paused = text.indexOf("Pausing ProtocolHandler");
        assertThat(paused).as(text).isPositive();
        for (String r : released) {
            assertThat(text.indexOf("Released " + r)).as("released " + r + " before the connector paused:\n" + text)
                    .isPositive().isLessThan(paused);
        }
    }

    private static void awaitStarted(Process server, Path log) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(log).contains("Server startup in") || !server.isAlive());
        assertThat(server.isAlive()).as(read(log)).isTrue();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(" + log + " unreadable: " + e + ")";
        }
    }

    /** {@code bin/shutdown.sh} sends SHUTDOWN to the port: the same way out as SIGTERM, exit 0 included. */
    private static void shutDown(TomcatDistribution tomcat, Process server, Path log, String... wrapper) throws Exception {
        Path out = log.resolveSibling("shutdown.log");
        assertThat(tomcat.shutdown(out, wrapper)).as(read(out)).isZero();
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as(read(log)).isTrue();
        assertThat(server.exitValue()).as(read(log)).isZero();
        assertThat(read(log)).contains("A valid shutdown command was received via the shutdown port")
                .contains("handing VIPs over").contains("Stopping service [Catalina]");
    }

    @Test
    void shutdownShReleasesBeforeTheConnectorStops(@TempDir Path base) throws Exception {
        try (TomcatDistribution tomcat = new TomcatDistribution(base)) {
            tomcat.configure(JettyDistribution.freePort(), "127.0.0.1", JettyDistribution.freePort(), attributes("tc-shut"));
            Path log = base.resolve("run.log");
            Process server = tomcat.launch(log, "");
            awaitStarted(server, log);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("Acquired eth0:198.51.100.11/32"));
            shutDown(tomcat, server, log);
            assertReleasedBeforeThePause(Files.readString(log), "eth0:198.51.100.10/32", "eth0:198.51.100.11/32");
        }
    }

    @Test
    void installsStartsServesAndReleasesBeforeTheConnectorStops(@TempDir Path base) throws Exception {
        try (TomcatDistribution tomcat = new TomcatDistribution(base)) {
            assertThat(base.resolve("conf/wackamole-listener.xml")).content().contains("<Listener className=\"" + TomcatDistribution.LISTENER + "\"");
            assertThat(Files.list(base.resolve("lib")).map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("wackamole-plugin-")).anyMatch(n -> n.startsWith("wackamole-tomcat-"))
                    .anyMatch(n -> n.startsWith("jgroups-")).anyMatch(n -> n.startsWith("slf4j-jdk14-"));
            tomcat.installWar();
            int port = JettyDistribution.freePort();
            int jmxPort = JettyDistribution.freePort();
            tomcat.configure(port, "127.0.0.1", attributes("tc-dist1"));
            Path log = base.resolve("run.log");
            Process server = tomcat.launch(log, "-Dcom.sun.management.jmxremote.port=" + jmxPort
                    + " -Dcom.sun.management.jmxremote.rmi.port=" + jmxPort + " -Dcom.sun.management.jmxremote.host=127.0.0.1"
                    + " -Djava.rmi.server.hostname=127.0.0.1 -Dcom.sun.management.jmxremote.authenticate=false"
                    + " -Dcom.sun.management.jmxremote.ssl=false");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).contains("Server startup in") || !server.isAlive());
            assertThat(server.isAlive()).as(Files.readString(log)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("Acquired eth0:198.51.100.11/32"));
            String started = Files.readString(log);
            assertThat(started.indexOf("Joining cluster")).as("joined during the start").isLessThan(started.indexOf("Server startup in"));

            var node = JettyDistribution.get("http://127.0.0.1:" + port + "/wackamole-sample/node");
            assertThat(node.statusCode()).isEqualTo(200);
            assertThat(node.body().trim()).isEqualTo("tc-dist1");
            var status = JettyDistribution.get("http://127.0.0.1:" + port + "/wackamole-sample/");
            assertThat(status.body()).contains("tc-dist1").contains("RUNNING").contains("198.51.100.10");

            // The MBean, from outside the process, through the management interface.
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
            try (JMXConnector client = JMXConnectorFactory.connect(url)) {
                WackamoleMXBean member = WackamoleMBeans.proxy(client.getMBeanServerConnection(), WackamoleMBeans.objectName("tc-dist1"));
                assertThat(member.getHeldVips()).containsExactly("198.51.100.10", "198.51.100.11");
                assertThat(member.getState()).isEqualTo("RUNNING");
                assertThat(member.getDrainReasons()).isEmpty();
            }

            // The bundle's bin/wackatrl, run from CATALINA_BASE, by the JMX port and by process id.
            Sh.Result byJmx = Sh.run(base, Map.of(), Duration.ofSeconds(60), "bin/wackatrl status --jmx 127.0.0.1:" + jmxPort);
            assertThat(byJmx.exit()).as(byJmx.output()).isZero();
            assertThat(byJmx.output()).containsPattern("198\\.51\\.100\\.10 +tc-dist1 ").containsPattern("tc-dist1 +RUNNING +- +2 ")
                    .doesNotContain("PROBLEM");
            long javaPid = server.toHandle().descendants().filter(h -> h.info().command().orElse("").endsWith("/java"))
                    .findFirst().orElse(server.toHandle()).pid(); // catalina.sh may run java as its child
            Sh.Result byPid = Sh.run(base, Map.of(), Duration.ofSeconds(60), "bin/wackatrl status --json --pid " + javaPid);
            assertThat(byPid.exit()).as(byPid.output()).isZero();
            assertThat(byPid.output()).contains("\"holder\":\"tc-dist1\"").contains("\"problems\":[]");

            server.destroy(); // SIGTERM: Catalina's shutdown hook stops the server
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = Files.readString(log);
            assertThat(text).contains("handing VIPs over");
            assertReleasedBeforeThePause(text, "eth0:198.51.100.10/32", "eth0:198.51.100.11/32");
            // slf4j -> JUL -> JULI: the plugin's lines are in Tomcat's own log files too.
            try (var logs = Files.list(base.resolve("logs"))) {
                Path catalinaLog = logs.filter(p -> p.getFileName().toString().startsWith("catalina.")).findFirst().orElseThrow();
                assertThat(Files.readString(catalinaLog)).contains("Acquired eth0:198.51.100.11/32").contains("Released eth0:198.51.100.10/32");
            }
        }
    }

    /** Root only: the real network in a namespace; a client in another namespace asks the VIPs. */
    @Test
    void holdsVipsForRealInANamespace(@TempDir Path base) throws Exception {
        String why = TestNetwork.whyUnavailable();
        Assumptions.assumeTrue(why == null, why);
        try (TestNetwork net = new TestNetwork("t1", "c"); TomcatDistribution tomcat = new TomcatDistribution(base)) {
            tomcat.installWar();
            Map<String, String> a = attributes("t1");
            a.put("interface", "veth0");
            a.put("vips", "198.51.100.100/32,[2001:db8::100]/128");
            a.put("network", "linux");
            // The wildcard address: it serves the VIPs added later; the shutdown port on the namespace's localhost.
            tomcat.configure(8080, null, 8005, a);
            String[] inT1 = {"ip", "netns", "exec", net.ns("t1")};
            Path log = base.resolve("run.log");
            Process server = tomcat.launch(log, "", inT1);
            awaitStarted(server, log);
            awaitVips(net);
            assertThat(net.inNamespace("c", () -> JettyFarm.get("198.51.100.100", "/wackamole-sample/node", 2000))).isEqualTo("t1");
            assertThat(net.inNamespace("c", () -> JettyFarm.get("2001:db8::100", "/wackamole-sample/node", 2000))).isEqualTo("t1");
            assertThat(net.inNamespace("c", () -> JettyFarm.get("198.51.100.1", "/wackamole-sample/", 2000)))
                    .contains("RUNNING").contains("VIPs held here: 198.51.100.100, 2001:db8::100");

            server.destroy(); // SIGTERM through ip netns exec: it execs bash, which execs java
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertVipsGone(net);
            assertReleasedBeforeThePause(Files.readString(log), "veth0:198.51.100.100/32", "veth0:[2001:db8::100]/128");

            // Once more, stopped by bin/shutdown.sh, run in the namespace (the port is on its localhost).
            Path again = base.resolve("run-again.log");
            Process second = tomcat.launch(again, "", inT1);
            awaitStarted(second, again);
            awaitVips(net);
            assertThat(net.inNamespace("c", () -> JettyFarm.get("198.51.100.100", "/wackamole-sample/node", 2000))).isEqualTo("t1");
            shutDown(tomcat, second, again, inT1);
            assertVipsGone(net);
            assertReleasedBeforeThePause(Files.readString(again), "veth0:198.51.100.100/32", "veth0:[2001:db8::100]/128");
        }
    }

    private static void awaitVips(TestNetwork net) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            String shown = net.exec("t1", "ip", "-o", "addr", "show", "dev", "veth0");
            return shown.contains(" 198.51.100.100/32") && shown.contains(" 2001:db8::100/128");
        });
    }

    private static void assertVipsGone(TestNetwork net) throws Exception {
        String shown = net.exec("t1", "ip", "-o", "addr", "show", "dev", "veth0");
        assertThat(shown).doesNotContain("198.51.100.100/").doesNotContain("2001:db8::100/");
    }

    @Test
    void aBadAttributeStopsTomcatNamingTheKey(@TempDir Path base) throws Exception {
        try (TomcatDistribution tomcat = new TomcatDistribution(base)) {
            Map<String, String> a = attributes("tc-bad");
            a.put("mature", "5");
            tomcat.configure(JettyDistribution.freePort(), "127.0.0.1", a);
            Path log = base.resolve("run.log");
            Process server = tomcat.launch(log, "");
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("Tomcat exits: " + Files.readString(log)).isTrue();
            String text = Files.readString(log);
            assertThat(text).contains("wackamole.mature='5': duration has no unit").doesNotContain("Acquired").doesNotContain("Server startup in");
        }
    }
}
