package org.wackamole.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WackamoleConfigTest {

    private static WackamoleConfig parse(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return WackamoleConfig.parse(settings, () -> "host-a");
    }

    @Test
    void defaultsAndAMinimalPool() {
        WackamoleConfig c = parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10,198.51.100.11/32");
        assertThat(c.cluster()).isEqualTo("wackamole");
        assertThat(c.node()).isEqualTo("host-a");
        assertThat(c.identities()).containsExactly("198.51.100.10", "198.51.100.11");
        assertThat(c.groups().get(0).addresses().get(0)).hasToString("eth0:198.51.100.10/32");
        assertThat(c.preferred()).isEmpty();
        assertThat(c.mature()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.balanceInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.balancePerRound()).isEqualTo(WackamoleConfig.ALL);
        assertThat(c.weight()).isEqualTo(1);
        assertThat(c.settings()).containsEntry("wackamole.mature", "5s").containsEntry("wackamole.node", "host-a");
    }

    @Test
    void everySettingGiven() {
        WackamoleConfig c = parse(
                "wackamole.cluster", "web-farm",
                "wackamole.node", "web1",
                "wackamole.interface", "eth0",
                "wackamole.vips", "198.51.100.10/24+eth1:203.0.113.10/32 , eth1:[2001:db8::10]/64, 2001:db8::11",
                "wackamole.prefer", "eth0:198.51.100.10/24,2001:db8:0::11",
                "wackamole.mature", "500ms",
                "wackamole.balance.interval", "2m",
                "wackamole.balance.perRound", "3",
                "wackamole.weight", "4",
                "jetty.http.port", "8080");
        assertThat(c.cluster()).isEqualTo("web-farm");
        assertThat(c.node()).isEqualTo("web1");
        assertThat(c.groups()).hasSize(3);
        assertThat(c.groups().get(0)).hasToString("eth0:198.51.100.10/24+eth1:203.0.113.10/32");
        assertThat(c.groups().get(1)).hasToString("eth1:[2001:db8::10]/64");
        assertThat(c.groups().get(2)).hasToString("eth0:[2001:db8::11]/128");
        assertThat(c.identities()).containsExactly("198.51.100.10", "2001:db8::10", "2001:db8::11");
        assertThat(c.preferred()).containsExactly("198.51.100.10", "2001:db8::11");
        assertThat(c.mature()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.balanceInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.balancePerRound()).isEqualTo(3);
        assertThat(c.weight()).isEqualTo(4);
        assertThat(c.group("2001:db8::10").addresses().get(0).isIpv4()).isFalse();
    }

    @Test
    void unbracketedIpv6WithInterface() {
        WackamoleConfig c = parse("wackamole.vips", "eth1:2001:db8::5/128");
        assertThat(c.groups().get(0)).hasToString("eth1:[2001:db8::5]/128");
    }

    @Test
    void blankValuesCountAsUnset() {
        // Jetty passes <Property default=""/> for every unset key.
        WackamoleConfig c = parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10",
                "wackamole.node", " ", "wackamole.prefer", "", "wackamole.mature", "");
        assertThat(c.node()).isEqualTo("host-a");
        assertThat(c.mature()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void hoursAreHours() {
        // Wackamole 2.1.4 read "1h" as one second.
        assertThat(parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.mature", "1h").mature())
                .isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            wackamole.vips               | 198.51.100.300/32              | not an IP address
            wackamole.vips               | 198.51.100.010                 | not an IP address
            wackamole.vips               | web.example.com                | not an IP address
            wackamole.vips               | 198.51.100.10/33               | longer than 32 bits
            wackamole.vips               | 2001:db8::1/129                | longer than 128 bits
            wackamole.vips               | 198.51.100.10/0                | must be at least 1
            wackamole.vips               | 198.51.100.10/x                | is not a number
            wackamole.vips               | 198.51.100.10,198.51.100.10    | appears in two groups
            wackamole.vips               | 198.51.100.10+198.51.100.10    | twice in the same group
            wackamole.vips               | 198.51.100.1+198.51.100.2,198.51.100.3+198.51.100.2 | in two groups
            wackamole.vips               | 198.51.100.10,,198.51.100.11   | empty group
            wackamole.vips               | 198.51.100.10+                 | empty address
            wackamole.vips               | 127.0.0.2                      | loopback
            wackamole.vips               | 224.0.0.1                      | multicast
            wackamole.vips               | fe80::1                        | link-local
            wackamole.vips               | 0.0.0.0                        | unspecified
            wackamole.vips               | 255.255.255.255                | broadcast
            wackamole.vips               | ::ffff:198.51.100.1            | not an IP address
            wackamole.vips               | [198.51.100.1]                 | brackets must hold an IPv6
            wackamole.vips               | eth0/1:198.51.100.1            | is not a number
            wackamole.vips               | averyveryverylongname:198.51.100.1 | 1 to 15 characters
            wackamole.prefer             | 198.51.100.99                  | is not in wackamole.vips
            wackamole.prefer             | 203.0.113.5                    | not a group identity; prefer its group by its first address 198.51.100.10
            wackamole.prefer             | 198.51.100.10,,                | empty entry
            wackamole.mature             | 5                              | has no unit
            wackamole.mature             | 5 days                         | unknown unit 'days'
            wackamole.mature             | -5s                            | not a duration
            wackamole.mature             | soon                           | not a duration
            wackamole.balance.interval   | 0s                             | must be positive
            wackamole.balance.perRound   | 0                              | must be positive
            wackamole.balance.perRound   | -2                             | must be positive
            wackamole.balance.perRound   | some                           | not a whole number
            wackamole.weight             | 0                              | must be positive
            wackamole.weight             | 2000000                        | must be at most 1000000
            wackamole.node               | web 1                          | must not contain ' '
            wackamole.cluster            | a,b                            | must not contain ','
            wackamole.interface          | eth:0                          | contains ':'
            wackamole.partition          | majority                       | must be 'all' or 'quorum'
            wackamole.quorum             | 2                              | is only used with wackamole.partition=quorum
            wackamole.jgroups.bindAddress | eth0                          | not an IP address
            wackamole.jgroups.initialHosts | 198.51.100.1:7800            | write peers as ip[port]
            wackamole.jgroups.initialHosts | 198.51.100.1[70000]          | out of range
            wackamole.jgroups.initialHosts | peer1[7800]                  | not an IP address
            wackamole.balance.perround   | 2                              | unknown setting (did you mean wackamole.balance.perRound?)
            """)
    void badInputNamesTheKeyAndTheText(String key, String value, String problem) {
        Map<String, String> settings = new HashMap<>();
        settings.put("wackamole.interface", "eth0");
        settings.put("wackamole.vips", "198.51.100.10+203.0.113.5,198.51.100.11");
        settings.put(key, value);
        assertThatThrownBy(() -> WackamoleConfig.parse(settings, () -> "host-a"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + "=")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }

    @Test
    void quorumPolicy() {
        WackamoleConfig c = parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10",
                "wackamole.partition", "quorum", "wackamole.quorum", "2",
                "wackamole.jgroups.config", "wackamole-tcp.xml",
                "wackamole.jgroups.bindAddress", "198.51.100.1",
                "wackamole.jgroups.initialHosts", "198.51.100.1[7800], 198.51.100.2[7800]");
        assertThat(c.partitionPolicy()).isEqualTo(PartitionPolicy.QUORUM);
        assertThat(c.quorum()).isEqualTo(2);
        assertThat(c.jgroupsConfig()).isEqualTo("wackamole-tcp.xml");
        assertThat(c.jgroupsInitialHosts()).hasSize(2);
        assertThat(c.jgroupsInitialHosts().get(1).getPort()).isEqualTo(7800);
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10",
                "wackamole.partition", "quorum"))
                .hasMessage("wackamole.quorum: is required with wackamole.partition=quorum");
    }

    @Test
    void missingPoolIsNamed() {
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("wackamole.vips: is required");
    }

    @Test
    void addressWithoutInterfaceNeedsTheDefault() {
        assertThatThrownBy(() -> parse("wackamole.vips", "eth0:198.51.100.1,198.51.100.2"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("wackamole.vips='198.51.100.2': names no interface and wackamole.interface is not set");
    }

    @Test
    void hooksMustBeExecutableFilesAndTheirErrorsNameTheSetting(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path script = dir.resolve("acquire.sh");
        java.nio.file.Files.writeString(script, "#!/bin/sh\n");
        java.nio.file.Path plain = dir.resolve("plain.txt");
        java.nio.file.Files.writeString(plain, "");
        script.toFile().setExecutable(true);
        WackamoleConfig c = parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10",
                "wackamole.hook.acquire", script.toString(), "wackamole.hook.timeout", "2s");
        assertThat(c.hooks().acquire()).isEqualTo(script);
        assertThat(c.hooks().release()).isNull();
        assertThat(c.hooks().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10").hooks().timeout())
                .as("default").isEqualTo(Duration.ofSeconds(10));

        String missing = dir.resolve("nope").toString();
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.hook.release", missing))
                .isInstanceOf(ConfigException.class).hasMessage("wackamole.hook.release='" + missing + "': no such file");
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.hook.state", dir.toString()))
                .hasMessage("wackamole.hook.state='" + dir + "': not a regular file");
        // No execute bit at all: refused even for root (access(2) wants one x bit).
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.hook.acquire", plain.toString()))
                .hasMessageStartingWith("wackamole.hook.acquire='" + plain + "': not executable");
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.hook.timeout", "0s"))
                .hasMessage("wackamole.hook.timeout='0s': must be positive");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:9405 | /127.0.0.1:9405",
            "[::1]:9405     | /[0:0:0:0:0:0:0:1]:9405",
            "198.51.100.1:0 | /198.51.100.1:0"})
    void metricsAddress(String text, String expected) {
        WackamoleConfig c = parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.metrics.address", text);
        assertThat(c.metricsAddress()).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "9405            | write ip:port, e.g. 127.0.0.1:9405",
            "localhost:9405  | write ip:port, e.g. 127.0.0.1:9405",
            "::1:9405        | write an IPv6 address in brackets, e.g. [::1]:9405",
            "127.0.0.1:http  | port 'http' is not a number",
            "127.0.0.1:70000 | port 70000 out of range 0..65535"})
    void badMetricsAddressesAreNamed(String text, String problem) {
        assertThatThrownBy(() -> parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10", "wackamole.metrics.address", text))
                .isInstanceOf(ConfigException.class).hasMessage("wackamole.metrics.address='" + text + "': " + problem);
        assertThat(parse("wackamole.interface", "eth0", "wackamole.vips", "198.51.100.10").metricsAddress()).as("off by default").isNull();
    }
}
