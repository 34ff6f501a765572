package org.wackamole.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: each {@code import/NAME.conf} has its {@code NAME.expected}, either the exact output
 * or {@code error: MESSAGE}. A successful import must also start as it is: its lines go back through
 * the ini reader and {@link WackamoleConfig#parse}.
 */
class WackamoleConfImporterTest {
    static Stream<Path> samples() throws IOException, URISyntaxException {
        Path dir = Path.of(WackamoleConfImporterTest.class.getResource("import").toURI());
        List<Path> confs;
        try (Stream<Path> files = Files.list(dir)) {
            confs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(confs).hasSizeGreaterThan(10);
        return confs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void importsAsExpected(Path conf) throws IOException {
        String input = Files.readString(conf);
        String expected = Files.readString(Path.of(conf.toString().replaceFirst("\\.conf$", ".expected")));
        if (expected.startsWith("error: ")) {
            String message = expected.substring("error: ".length()).strip();
            assertThatThrownBy(() -> WackamoleConfImporter.translate(input))
                    .isInstanceOf(ImportException.class)
                    .hasMessage(message)
                    .satisfies(e -> assertThat(message).startsWith("line " + ((ImportException) e).line() + ": "));
            return;
        }
        List<String> lines = WackamoleConfImporter.translate(input);
        assertThat(String.join("\n", lines) + "\n").isEqualTo(expected);
        Map<String, String> settings = IniSettings.parse(String.join("\n", lines));
        assertThat(settings).isNotEmpty().allSatisfy((k, v) -> assertThat(k).startsWith("wackamole."));
        WackamoleConfig config = WackamoleConfig.parse(settings, () -> "web1");
        assertThat(config.groups()).isNotEmpty();
    }

    @Test
    void groupedAddressesMoveTogetherAndPreferenceFindsItsGroup() {
        List<String> lines = WackamoleConfImporter.translate("""
                Prefer eth1:203.0.113.2/32
                VirtualInterfaces {
                  { eth0:198.51.100.2/32n23 eth1:203.0.113.2/32n29 }
                  eth0:198.51.100.3/32
                }
                """);
        WackamoleConfig config = WackamoleConfig.parse(IniSettings.parse(String.join("\n", lines)), () -> "web1");
        assertThat(config.groups()).hasSize(2);
        assertThat(config.groups().get(0).addresses()).extracting(VipAddress::interfaceName).containsExactly("eth0", "eth1");
        assertThat(config.preferred()).containsExactly("198.51.100.2");
    }

    @Test
    void hoursAreHoursNotSeconds() {
        List<String> lines = WackamoleConfImporter.translate("Mature 1h\nVirtualInterfaces { eth0:198.51.100.2/32 }\n");
        WackamoleConfig config = WackamoleConfig.parse(IniSettings.parse(String.join("\n", lines)), () -> "web1");
        assertThat(config.mature()).hasHours(1);
    }
}
