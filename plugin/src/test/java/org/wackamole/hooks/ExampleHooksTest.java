package org.wackamole.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wackamole.network.linux.TestNetwork;

/** The example hooks shipped in etc/hooks (Jetty) and conf/hooks (Tomcat), as the README shows them. */
@Timeout(60)
class ExampleHooksTest {
    private static final Path HOOKS = Path.of("src/main/jetty-base/etc/hooks");

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(HOOKS)) {
            return files.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
    }

    @Test
    void everyExampleIsValidBashAndExecutable() throws Exception {
        List<Path> examples = examples();
        assertThat(examples).extracting(p -> p.getFileName().toString()).contains("aws-secondary-ip.sh", "nft-open-port.sh");
        for (Path script : examples) {
            Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("bash -n " + script + ": " + new String(p.getInputStream().readAllBytes())).isZero();
            assertThat(Files.isExecutable(script)).as(script + " executable").isTrue();
        }
    }

    /** The firewall example, run for real in a namespace of its own with the table its comment describes. */
    @Test
    void theNftExampleOpensAndClosesTheVipsPorts() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nft (nftables) is not installed; .ci/run installs it");
        Path script = HOOKS.resolve("nft-open-port.sh").toAbsolutePath();
        try (TestNetwork net = new TestNetwork("h1")) {
            net.exec("h1", "nft", "add table inet wackamole; add set inet wackamole vips4 { type ipv4_addr; };"
                    + " add set inet wackamole vips6 { type ipv6_addr; };"
                    + " add chain inet wackamole input { type filter hook input priority -10; policy accept; };"
                    + " add rule inet wackamole input tcp dport { 80, 443 } ip daddr @vips4 accept;"
                    + " add rule inet wackamole input tcp dport { 80, 443 } ip6 daddr @vips6 accept;"
                    + " add rule inet wackamole input tcp dport { 80, 443 } drop");
            String out = net.exec("h1", "env", "WACKAMOLE_EVENT=acquire", "WACKAMOLE_VIP=198.51.100.10", script.toString());
            assertThat(out).contains("opened ports on 198.51.100.10");
            net.exec("h1", "env", "WACKAMOLE_EVENT=acquire", "WACKAMOLE_VIP=2001:db8::10", script.toString());
            assertThat(net.exec("h1", "nft", "list", "set", "inet", "wackamole", "vips4")).contains("198.51.100.10");
            assertThat(net.exec("h1", "nft", "list", "set", "inet", "wackamole", "vips6")).contains("2001:db8::10");

            net.exec("h1", "env", "WACKAMOLE_EVENT=release", "WACKAMOLE_VIP=198.51.100.10", script.toString());
            net.exec("h1", "env", "WACKAMOLE_EVENT=release", "WACKAMOLE_VIP=198.51.100.10", script.toString()); // twice: fine
            assertThat(net.exec("h1", "nft", "list", "set", "inet", "wackamole", "vips4")).doesNotContain("198.51.100.10");
            assertThat(net.exec("h1", "env", "WACKAMOLE_EVENT=state", "WACKAMOLE_STATE=RUNNING", script.toString())).isEmpty();
        }
    }
}
