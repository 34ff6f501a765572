package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.junit.jupiter.api.Test;
import org.wackamole.config.ConfigException;
import org.wackamole.config.WackamoleConfig;

/** The shipped stacks load, and the settings the plugin promises are applied (nothing is connected). */
class JGroupsStacksTest {

    private static WackamoleConfig config(String... kv) {
        Map<String, String> s = new HashMap<>(Map.of("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10"));
        for (int i = 0; i < kv.length; i += 2) {
            s.put(kv[i], kv[i + 1]);
        }
        return WackamoleConfig.parse(s, () -> "n1");
    }

    @Test
    void udpStackIsTunedForFastDetectionAndQuiet() throws Exception {
        try (JChannel ch = JGroupsStacks.create(config("wackamole.jgroups.bindAddress", "127.0.0.1"))) {
            assertThat(ch.getProtocolStack().getTransport().getBindAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(ch.getProtocolStack().getTransport().getDiagnosticsHandler().isEnabled()).isFalse();
            assertThat(((GMS) ch.getProtocolStack().findProtocol(GMS.class)).printLocalAddress()).isFalse();
            assertThat(ch.getProtocolStack().<FD_SOCK2>findProtocol(FD_SOCK2.class).getBindAddress().getHostAddress())
                    .as("FD_SOCK2 listens where the transport does, not on the wildcard address").isEqualTo("127.0.0.1");
            assertThat(ch.getProtocolStack().<MERGE3>findProtocol(MERGE3.class)).isNotNull();
            assertThat(ch.getProtocolStack().<FD_ALL3>findProtocol(FD_ALL3.class).getTimeout()).isEqualTo(250);
            assertThat(ch.getProtocolStack().<VERIFY_SUSPECT2>findProtocol(VERIFY_SUSPECT2.class).getTimeout()).isEqualTo(100);
        }
    }

    @Test
    void tcpStackTakesItsPeersFromTheConfiguration() throws Exception {
        WackamoleConfig c = config("wackamole.jgroups.config", "wackamole-tcp.xml",
                "wackamole.jgroups.initialHosts", "198.51.100.1[7800],198.51.100.2[7800]");
        try (JChannel ch = JGroupsStacks.create(c)) {
            TCPPING ping = ch.getProtocolStack().findProtocol(TCPPING.class);
            assertThat(ping.getInitialHosts()).hasSize(2);
            // The non-blocking transport: a connect to a dead host never holds up sends to live ones.
            assertThat(ch.getProtocolStack().getTransport()).isInstanceOf(TCP_NIO2.class);
            assertThat(ch.getProtocolStack().<FD_SOCK2>findProtocol(FD_SOCK2.class).getBindAddress())
                    .isEqualTo(ch.getProtocolStack().getTransport().getBindAddress()).isNotNull();
            assertThat(ch.getProtocolStack().getTransport().getDiagnosticsHandler().isEnabled()).isFalse();
        }
        assertThatThrownBy(() -> JGroupsStacks.create(config("wackamole.jgroups.config", "wackamole-tcp.xml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("wackamole.jgroups.initialHosts: is required with the TCP stack");
    }

    @Test
    void aMissingStackFileIsNamed() {
        assertThatThrownBy(() -> JGroupsStacks.create(config("wackamole.jgroups.config", "/nonexistent/stack.xml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wackamole.jgroups.config='/nonexistent/stack.xml'");
    }
}
