package org.wackamole.network.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.config.ConfigException;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code cleanup-batch.txt}: a configuration in, the clean-up file's lines out. */
class CleanupBatchTableTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<TableCases.Case> cases = TableCases.read(getClass(), "cleanup-batch.txt");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(7);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title(), () -> check(c)));
    }

    private static void check(TableCases.Case c) {
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> expected = new ArrayList<>();
        String error = null;
        for (TableCases.Line line : c.lines()) {
            switch (line.keyword()) {
                case "set" -> settings.put(line.arg(0), line.arg(1));
                case "line" -> expected.add(String.join(" ", line.args()));
                case "error" -> error = String.join(" ", line.args());
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }
        WackamoleConfig config = WackamoleConfig.parse(settings, () -> "m1");
        if (error != null) {
            assertThatThrownBy(() -> CleanupBatch.lines(config.groups())).isInstanceOf(ConfigException.class).hasMessage(error);
            return;
        }
        List<String> lines = CleanupBatch.lines(config.groups());
        assertThat(lines).as("a comment first says what the file is").first().asString().startsWith("# ");
        assertThat(lines.stream().filter(l -> !l.startsWith("#")).toList()).containsExactlyElementsOf(expected);
    }
}
