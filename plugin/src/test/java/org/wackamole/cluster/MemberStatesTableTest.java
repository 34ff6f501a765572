package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code member-states.txt}: a member's flags in, the state it shows out. */
class MemberStatesTableTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<TableCases.Case> cases = TableCases.read(getClass(), "member-states.txt");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title(), () -> check(c)));
    }

    private static void check(TableCases.Case c) {
        boolean stopped = false, unjoined = false, paused = false, immature = false, drained = false, minority = false;
        MemberState refused = null, expected = null;
        for (TableCases.Line line : c.lines()) {
            switch (line.keyword()) {
                case "stopped" -> stopped = true;
                case "unjoined" -> unjoined = true;
                case "paused" -> paused = true;
                case "refused" -> refused = MemberState.valueOf(line.arg(0));
                case "immature" -> immature = true;
                case "drained" -> drained = true;
                case "minority" -> minority = true;
                case "expect" -> expected = MemberState.valueOf(line.arg(0));
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }
        assertThat(expected).as("expect line").isNotNull();
        assertThat(MemberStates.of(stopped, !unjoined, paused, refused, !immature, !drained, !minority)).isEqualTo(expected);
    }
}
