package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilitiesTest {

    @Test
    void namesEachMissingCapabilityAndHowToGrantIt() {
        List<String> missing = Capabilities.missing(BigInteger.ONE.shiftLeft(Capabilities.CAP_NET_RAW));
        assertThat(missing).hasSize(1);
        assertThat(Capabilities.message(missing, 1000))
                .contains("uid 1000").contains("CAP_NET_ADMIN").doesNotContain("lacks CAP_NET_RAW")
                .contains("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW");
        assertThat(Capabilities.missing(BigInteger.ZERO)).hasSize(2);
        assertThat(Capabilities.missing(new BigInteger("3000", 16))).isEmpty();
    }

    @Test
    void readsTheEffectiveSetFromProcStatus(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t0000000000003000\n");
        assertThat(Capabilities.missing(Capabilities.effective(status))).isEmpty();
    }

    /** A real process started without the two capabilities (setpriv drops them) fails with the clear message. */
    @Test
    void aProcessWithoutTheCapabilitiesGetsTheClearError() throws Exception {
        String why = TestNetwork.whyUnavailable();
        assumeTrue(why == null, why);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Files.createTempFile("netcheck", ".out");
        try {
            Process p = new ProcessBuilder("/usr/bin/setpriv", "--inh-caps=-net_admin,-net_raw",
                    "--bounding-set=-net_admin,-net_raw", "--", java, "-cp", System.getProperty("java.class.path"),
                    NetworkCheck.class.getName(), "lo")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(output).isEqualTo(2);
            assertThat(output).contains("lacks CAP_NET_ADMIN").contains("CAP_NET_RAW").contains("AmbientCapabilities");
        } finally {
            Files.deleteIfExists(out);
        }
        // And with them, the same check passes.
        Process ok = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NetworkCheck.class.getName(), "lo")
                .redirectErrorStream(true).start();
        String output = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).as(output).isZero();
        assertThat(output).contains("ok: this process can hold VIPs on lo");
    }
}
