package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlay on a stock jetty-home 12.1.12, installed with the documented commands, started with
 * the dry-run network (no privileges needed): proves the module, the XML, the ini-template, the
 * libraries and the sample webapp fit together.
 */
@Timeout(240)
class JettyModuleTest {

    @Test
    void installsListsStartsServesAndStopsGracefully(@TempDir Path base) throws Exception {
        try (JettyDistribution jetty = new JettyDistribution(base)) {
            JettyDistribution.Result add = jetty.startJar(Duration.ofSeconds(120), "--add-modules=wackamole,jmx,http,ee10-deploy");
            assertThat(add.exit()).as(add.output()).isZero();
            String ini = Files.readString(base.resolve("start.d/wackamole.ini"));
            assertThat(ini).contains("# wackamole.vips=").contains("# wackamole.health.url=").contains("# wackamole.jgroups.config=");

            JettyDistribution.Result list = jetty.startJar(Duration.ofSeconds(120), "--list-config");
            assertThat(list.exit()).as(list.output()).isZero();
            assertThat(list.output()).contains("wackamole").contains("lib/wackamole/wackamole-plugin-")
                    .contains("lib/wackamole/jgroups-").contains("etc/wackamole.xml");

            jetty.installWar();
            int port = JettyDistribution.freePort();
            jetty.appendIni("http", "jetty.http.host=127.0.0.1", "jetty.http.port=" + port);
            jetty.appendIni("wackamole", readmeKeygen(base).toArray(String[]::new)); // security is on by default
            jetty.appendIni("wackamole", "wackamole.node=dist1", "wackamole.interface=eth0",
                    "wackamole.vips=198.51.100.10,198.51.100.11", "wackamole.mature=0s", "wackamole.network=memory",
                    "wackamole.jgroups.config=wackamole-loopback.xml", "wackamole.cluster=dist-" + ProcessHandle.current().pid());
            Path log = base.resolve("server.log");
            Process server = jetty.launch(log);
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).contains("Started oejs.Server@") || !server.isAlive());
            assertThat(server.isAlive()).as(Files.readString(log)).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("Acquired eth0:198.51.100.11/32"));

            // The overlay's bin/wackatrl, as the README runs it from $JETTY_BASE, against this server.
            Sh.Result help = Sh.run(base, Map.of(), Duration.ofSeconds(60), "bin/wackatrl --help");
            assertThat(help.exit()).as(help.output()).isZero();
            assertThat(help.output()).contains("Usage: wackatrl").contains("keygen").contains("move");
            Sh.Result wackatrl = Sh.run(base, Map.of(), Duration.ofSeconds(60), "bin/wackatrl status --pid " + server.pid());
            assertThat(wackatrl.exit()).as(wackatrl.output()).isZero();
            assertThat(wackatrl.output()).containsPattern("198\\.51\\.100\\.10 +dist1 ").containsPattern("198\\.51\\.100\\.11 +dist1 ")
                    .containsPattern("dist1 +RUNNING +- +2 ").doesNotContain("PROBLEM");

            var node = JettyDistribution.get("http://127.0.0.1:" + port + "/wackamole-sample/node");
            assertThat(node.statusCode()).isEqualTo(200);
            assertThat(node.body().trim()).isEqualTo("dist1");
            var status = JettyDistribution.get("http://127.0.0.1:" + port + "/wackamole-sample/");
            assertThat(status.body()).contains("dist1").contains("RUNNING").contains("198.51.100.10");

            server.destroy(); // SIGTERM: Jetty's shutdown hook stops the server gracefully
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = Files.readString(log);
            assertThat(text).contains("handing VIPs over").contains("Released eth0:198.51.100.10/32");
            int connectorStopped = text.indexOf("Stopped oejs.ServerConnector");
            assertThat(connectorStopped).as(text).isPositive();
            assertThat(text.indexOf("Released eth0:198.51.100.10/32")).as("released before the connector stopped")
                    .isLessThan(connectorStopped);
        }
    }

    /**
     * The README's key commands run as written, from the overlay's bin/wackatrl, with /etc/wackamole
     * replaced by a directory of this test; the ini lines it shows then point the server at the key.
     */
    private static List<String> readmeKeygen(Path base) throws Exception {
        Path etc = Files.createDirectories(base.resolve("etc-wackamole"));
        List<String> block = Sh.readmeBlock("wackatrl\" keygen --password-file");
        List<String> commands = new ArrayList<>();
        for (String line : block) {
            if (line.startsWith("#") || line.startsWith("chown ")) {
                continue; // comments; chown needs the server's user (SystemdUnitTest has one)
            }
            commands.add(line.replace("/etc/wackamole", etc.toString()));
        }
        assertThat(commands).as("the README's keygen lines").hasSize(2);
        Sh.Result r = Sh.run(base, Map.of("JETTY_BASE", base.toString()), Duration.ofSeconds(60), String.join("\n", commands));
        assertThat(r.exit()).as(commands + ": " + r.output()).isZero();
        assertThat(r.output()).contains("created " + etc.resolve("farm.p12") + " (a 256-bit AES farm key, alias 'wackamole', mode 0600)");
        assertThat(Files.getPosixFilePermissions(etc.resolve("farm.p12"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(etc.resolve("farm.pw"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        List<String> ini = Sh.readmeBlock("wackamole.security.keystore=/etc/wackamole/farm.p12");
        return ini.stream().map(l -> l.replace("/etc/wackamole", etc.toString())).toList();
    }

    @Test
    void aBadSettingStopsTheServerNamingTheKey(@TempDir Path base) throws Exception {
        try (JettyDistribution jetty = new JettyDistribution(base)) {
            assertThat(jetty.startJar(Duration.ofSeconds(120), "--add-modules=wackamole,http").exit()).isZero();
            jetty.appendIni("http", "jetty.http.host=127.0.0.1", "jetty.http.port=" + JettyDistribution.freePort());
            jetty.appendIni("wackamole", "wackamole.interface=eth0", "wackamole.vips=198.51.100.10",
                    "wackamole.network=memory", "wackamole.mature=5");
            JettyDistribution.Result run = jetty.startJar(Duration.ofSeconds(90));
            assertThat(run.exit()).as(run.output()).isNotZero();
            assertThat(run.output()).contains("wackamole.mature='5': duration has no unit");
        }
    }

    @Test
    void withoutAFarmKeyTheServerRefusesToStartSayingHowToMakeOne(@TempDir Path base) throws Exception {
        try (JettyDistribution jetty = new JettyDistribution(base)) {
            assertThat(jetty.startJar(Duration.ofSeconds(120), "--add-modules=wackamole,http").exit()).isZero();
            jetty.appendIni("http", "jetty.http.host=127.0.0.1", "jetty.http.port=" + JettyDistribution.freePort());
            jetty.appendIni("wackamole", "wackamole.interface=eth0", "wackamole.vips=198.51.100.10",
                    "wackamole.network=memory", "wackamole.jgroups.config=wackamole-loopback.xml");
            JettyDistribution.Result run = jetty.startJar(Duration.ofSeconds(90));
            assertThat(run.exit()).as(run.output()).isNotZero();
            assertThat(run.output()).contains("wackamole.security.keystore: is required")
                    .contains("org.wackamole.security.KeyGen").contains("wackamole.security=none");
        }
    }
}
