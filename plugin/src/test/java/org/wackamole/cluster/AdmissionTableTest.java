package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code admissions.txt}: a decoded message and the member's view in, the verdict out. */
class AdmissionTableTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<Case> cases = TableCases.read(getClass(), "admissions.txt").stream().map(Case::of).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title, c::check));
    }

    private static final class Case {
        final String title;
        ViewKey installed;
        int round;
        boolean outsider;
        WireMessage message;
        Admission.Verdict verdict;
        String why;

        Case(String title) {
            this.title = title;
        }

        static Case of(TableCases.Case table) {
            Case c = new Case(table.title());
            table.lines().forEach(c::read);
            if (c.message == null || c.verdict == null) {
                throw new IllegalArgumentException(c.title + ": needs a message and an expectation");
            }
            return c;
        }

        private void read(TableCases.Line line) {
            switch (line.keyword()) {
                case "installed" -> installed = new ViewKey(0, Long.parseLong(line.arg(0)), Long.parseLong(line.arg(1)));
                case "round" -> round = Integer.parseInt(line.arg(0));
                case "outsider" -> outsider = true;
                case "message" -> message = message(line);
                case "expect" -> {
                    verdict = Admission.Verdict.valueOf(line.arg(0).toUpperCase(java.util.Locale.ROOT));
                    why = verdict == Admission.Verdict.REJECT ? String.join(" ", line.argsFrom(1)) : null;
                }
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }

        private static WireMessage message(TableCases.Line line) {
            ViewKey v = new ViewKey(0, Long.parseLong(line.arg(1)), Long.parseLong(line.arg(2)));
            int r = Integer.parseInt(line.arg(3));
            return switch (line.arg(0)) {
                case "round" -> new WireMessage.Round(v, r, 0, 0);
                case "state" -> new WireMessage.State(v, r, "b", true, true, 1, 0, List.of(), List.of(), List.of());
                case "released" -> new WireMessage.Released(v, r, List.of("v1"));
                case "prepared" -> new WireMessage.Prepared(v, r, List.of("v1"), List.of("02:00:00:00:00:01"));
                case "request" -> new WireMessage.RoundRequest(v, r, "why");
                default -> throw line.error("unknown message kind " + line.arg(0));
            };
        }

        void check() {
            Admission a = Admission.of(installed, round, !outsider, message, ClusterMember.MAX_ROUNDS_AHEAD);
            assertThat(a.verdict()).as("verdict").isEqualTo(verdict);
            assertThat(a.why()).as("why").isEqualTo(why);
        }
    }
}
