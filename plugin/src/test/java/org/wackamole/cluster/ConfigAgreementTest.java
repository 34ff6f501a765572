package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;
import org.wackamole.config.WackamoleConfig;

class ConfigAgreementTest {
    private static final ViewKey VIEW = new ViewKey(1, 2, 3);

    private static WackamoleConfig config(String... kv) {
        Map<String, String> s = new HashMap<>(Map.of("wackamole.vips", "198.51.100.10,198.51.100.11", "wackamole.interface", "eth0",
                "wackamole.security", "none"));
        for (int i = 0; i < kv.length; i += 2) {
            s.put(kv[i], kv[i + 1]);
        }
        return WackamoleConfig.parse(s, () -> "n");
    }

    /** Named configurations a member of the table can have. */
    private static final Map<String, WackamoleConfig> CONFIGS = Map.of(
            "A", config(),
            "B", config("wackamole.vips", "198.51.100.10,198.51.100.12"),
            "Q", config("wackamole.partition", "quorum", "wackamole.quorum", "2"),
            "R", config("wackamole.balance.perRound", "1"),
            "I", config("wackamole.interface", "eth1"));

    private static WireMessage.State state(String node, String config) {
        ConfigDigest d = ConfigDigest.of(CONFIGS.get(config));
        return new WireMessage.State(VIEW, 1, node, true, true, 1, d.digest(), List.of(), List.of(), List.of(), List.of(),
                false, 0, false, d.entries());
    }

    /** Each member's configuration in view order, and which members hold nothing ('-'). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "A A A   | + + +",
            "A A B   | + + -",  // a minority with another pool
            "B A A   | - + +",  // ... even as coordinator
            "A B     | + -",    // a tie: the first in view order
            "B A     | + -",
            "A B B A | + - - +",// a tie of two: the digest of the first member
            "A Q A   | + - +",  // quorum differs
            "R A A   | - + +",  // balance per round differs
            "A I A   | + + +",  // interface names differ: reported only
    })
    void theMajorityDigestHoldsAndTiesGoToTheFirstInView(String configs, String expected) {
        List<Address> view = new ArrayList<>();
        Map<Address, WireMessage.State> states = new LinkedHashMap<>();
        String[] c = configs.trim().split("\\s+");
        for (int i = 0; i < c.length; i++) {
            Address a = new UUID(0, i + 1);
            view.add(a);
            states.put(a, state("n" + i, c[i]));
        }
        ConfigAgreement agreement = ConfigAgreement.of(view, states, Map.of());
        List<String> got = view.stream().map(a -> agreement.misconfigured().contains(a) ? "-" : "+").toList();
        assertThat(String.join(" ", got)).isEqualTo(expected.trim());
    }

    @Test
    void everyDifferenceIsDescribedByKey() {
        List<Address> view = List.of(new UUID(0, 1), new UUID(0, 2), new UUID(0, 3));
        Map<Address, WireMessage.State> states = new LinkedHashMap<>();
        states.put(view.get(0), state("a", "A"));
        states.put(view.get(1), state("b", "Q"));
        states.put(view.get(2), state("c", "I"));
        ConfigAgreement agreement = ConfigAgreement.of(view, states, Map.of());
        // a and c share the strict digest (interfaces are reported only): the reference is theirs, a's entries
        assertThat(agreement.differences()).containsExactly(
                "b: partition=quorum (reference: partition=all)",
                "b: quorum=2 (reference: quorum=0)",
                "c: interfaces=eth1 (reference: interfaces=eth0), reported only");
    }

    @Test
    void thePoolDigestIgnoresInterfaceNamesButNotAddressesOrOrder() {
        int a = ConfigDigest.of(config()).digest();
        assertThat(ConfigDigest.of(config("wackamole.interface", "ens3")).digest()).isEqualTo(a);
        assertThat(ConfigDigest.of(config("wackamole.vips", "198.51.100.11,198.51.100.10")).digest()).isNotEqualTo(a);
        assertThat(ConfigDigest.of(config("wackamole.vips", "198.51.100.10+198.51.100.11")).digest()).isNotEqualTo(a);
        assertThat(ConfigDigest.of(config("wackamole.balance.interval", "5s")).digest()).isNotEqualTo(a);
        assertThat(ConfigDigest.of(config("wackamole.weight", "3")).digest()).as("weights may differ").isEqualTo(a);
    }

    @Test
    void aDryRunFarmKeepsItsOwnClusterUnlessItOptsIn() {
        assertThat(config("wackamole.network", "memory", "wackamole.cluster", "web").cluster()).isEqualTo("web-dry-run");
        assertThat(config("wackamole.network", "memory-in-farm", "wackamole.cluster", "web").cluster()).isEqualTo("web");
        assertThat(config("wackamole.cluster", "web").cluster()).isEqualTo("web");
    }
}
