package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.JChannel;
import org.jgroups.protocols.Discovery;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.VERIFY_SUSPECT;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wackamole.config.ConfigException;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.security.FarmKey;
import org.wackamole.security.TestKeys;

/** The shipped stacks load, and the settings the plugin promises are applied (nothing is connected). */
class JGroupsStacksTest {

    private static WackamoleConfig config(String... kv) {
        Map<String, String> s = new HashMap<>(Map.of("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10"));
        s.putAll(TestKeys.farm());
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
            assertThat(ch.getProtocolStack().<MERGE3>findProtocol(MERGE3.class)).as("MERGE3, as the plugin's ViewReports").isInstanceOf(ViewReports.class);
            // A dead host within 150 + 25 + 75 = 250 ms; 6 heartbeats per window (with 3, CI's 20 % loss fault split the farm).
            assertThat(ch.getProtocolStack().<FD_ALL3>findProtocol(FD_ALL3.class).getTimeout()).isEqualTo(150);
            assertThat(ch.getProtocolStack().<FD_ALL3>findProtocol(FD_ALL3.class).getInterval()).isEqualTo(25);
            // VERIFY_SUSPECT gives every suspect its full timeout; 5.4's VERIFY_SUSPECT2 may not (JGRP-2943).
            VERIFY_SUSPECT verify = ch.getProtocolStack().findProtocol(VERIFY_SUSPECT.class);
            assertThat(verify).isInstanceOf(VerifySuspect.class);
            assertThat(verify.getTimeout()).isEqualTo(75);
            assertThat(verify.getId()).as("VERIFY_SUSPECT's protocol id, for its headers").isEqualTo((short) 11);
            assertThat(ch.getProtocolStack().<VERIFY_SUSPECT2>findProtocol(VERIFY_SUSPECT2.class)).isNull();
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

    @ParameterizedTest
    @ValueSource(strings = {"wackamole-udp.xml", "wackamole-udp-fast.xml", "wackamole-tcp.xml", "wackamole-loopback.xml"})
    void everyShippedStackEncryptsAllButDiscoveryWithTheFarmKey(String stack) throws Exception {
        WackamoleConfig c = config("wackamole.jgroups.config", stack, "wackamole.jgroups.initialHosts", "198.51.100.1[7800]");
        try (JChannel ch = JGroupsStacks.create(c)) {
            List<Protocol> bottomUp = new ArrayList<>(ch.getProtocolStack().getProtocols());
            Collections.reverse(bottomUp);
            int encrypt = indexOf(bottomUp, SYM_ENCRYPT.class);
            assertThat(encrypt).as("SYM_ENCRYPT in " + stack).isPositive();
            assertThat(bottomUp.get(encrypt - 1)).as("directly above discovery").isInstanceOf(Discovery.class);
            assertThat(bottomUp.get(encrypt + 1)).as("SERIALIZE above it: headers are encrypted too").isInstanceOf(SERIALIZE.class);
            for (Class<? extends Protocol> above : List.of(MERGE3.class, FD_ALL3.class, NAKACK2.class, GMS.class)) {
                assertThat(indexOf(bottomUp, above)).as(above.getSimpleName() + " is above the encryption").isGreaterThan(encrypt);
            }
            SYM_ENCRYPT sym = (SYM_ENCRYPT) bottomUp.get(encrypt);
            assertThat(sym.symAlgorithm()).as("CBC, not JGroups' ECB default").isEqualTo("AES/CBC/PKCS5Padding");
            assertThat(sym.simIvLength()).isEqualTo(16);
            assertThat(sym.secretKey().getEncoded())
                    .isEqualTo(FarmKey.load(c.security()).orElseThrow().getEncoded());
        }
    }

    @Test
    void securityNoneTakesEncryptionOut() throws Exception {
        try (JChannel ch = JGroupsStacks.create(config("wackamole.security", "none"))) {
            assertThat(ch.getProtocolStack().<SYM_ENCRYPT>findProtocol(SYM_ENCRYPT.class)).isNull();
            assertThat(ch.getProtocolStack().<SERIALIZE>findProtocol(SERIALIZE.class)).isNull();
        }
    }

    @Test
    void withoutAKeyTheStackIsRefusedWithHowToMakeOne() {
        Map<String, String> s = new HashMap<>(Map.of("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10"));
        WackamoleConfig c = WackamoleConfig.parse(s, () -> "n1");
        assertThatThrownBy(() -> JGroupsStacks.create(c))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("wackamole.security.keystore: is required")
                .hasMessageContaining("org.wackamole.security.KeyGen")
                .hasMessageContaining("wackamole.security=none");
    }

    @Test
    void aCustomStackWithoutEncryptionIsRefused(@TempDir Path dir) throws Exception {
        Path stack = dir.resolve("plain.xml");
        Files.writeString(stack, "<config xmlns=\"urn:org:jgroups\"><SHARED_LOOPBACK/><SHARED_LOOPBACK_PING/>"
                + "<pbcast.NAKACK2/><UNICAST3/><pbcast.STABLE/><pbcast.GMS/></config>");
        assertThatThrownBy(() -> JGroupsStacks.create(config("wackamole.jgroups.config", stack.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no SYM_ENCRYPT");
    }

    private static int indexOf(List<Protocol> protocols, Class<? extends Protocol> type) {
        for (int i = 0; i < protocols.size(); i++) {
            if (type.isInstance(protocols.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aMissingStackFileIsNamed() {
        assertThatThrownBy(() -> JGroupsStacks.create(config("wackamole.jgroups.config", "/nonexistent/stack.xml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("wackamole.jgroups.config='/nonexistent/stack.xml'");
    }
}
