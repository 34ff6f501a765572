package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code splits.txt}: the last shared view, the new one and discovery's answers in, which side holds out. */
class SplitSidesTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<Case> cases = TableCases.read(getClass(), "splits.txt").stream().map(Case::of).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title, c::check));
    }

    private static final class Case {
        final String title;
        List<String> previous = List.of();
        List<String> view = List.of();
        final Map<String, Boolean> answers = new LinkedHashMap<>();
        Boolean ask;
        Boolean holds;

        Case(String title) {
            this.title = title;
        }

        static Case of(TableCases.Case table) {
            Case c = new Case(table.title());
            table.lines().forEach(c::read);
            if (c.ask == null || c.holds == null) {
                throw new IllegalArgumentException(c.title + ": needs both expectations (ask|keep, holds|yields)");
            }
            return c;
        }

        private void read(TableCases.Line line) {
            switch (line.keyword()) {
                case "previous" -> previous = line.args();
                case "view" -> view = line.args();
                case "answers" -> line.args().forEach(a -> answers.put(a.replace("*", ""), a.endsWith("*")));
                case "expect" -> {
                    switch (line.arg(0)) {
                        case "ask" -> ask = true;
                        case "keep" -> ask = false;
                        case "holds" -> holds = true;
                        case "yields" -> holds = false;
                        default -> throw line.error("expect ask, keep, holds or yields");
                    }
                }
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }

        void check() {
            assertThat(SplitSides.mayLose(previous, view)).as("must ask").isEqualTo(ask);
            assertThat(!SplitSides.loses(previous, view, answers)).as("holds").isEqualTo(holds);
            if (!ask) {
                assertThat(holds).as("a member that need not ask cannot lose").isTrue();
            }
        }
    }
}
