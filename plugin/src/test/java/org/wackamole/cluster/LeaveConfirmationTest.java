package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.wackamole.testing.TableCases;

/** Runs the readable cases in {@code leaves.txt}: a leaving member's last decision in, whether it may disconnect out. */
class LeaveConfirmationTest {

    @TestFactory
    Stream<DynamicTest> cases() {
        List<Case> cases = TableCases.read(getClass(), "leaves.txt").stream().map(Case::of).toList();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.title, c::check));
    }

    @Test
    void eachDecisionMayAskOnceMore() {
        LeaveConfirmation leave = new LeaveConfirmation();
        leave.handedAway("v1");
        Map<String, String> owners = Map.of("v1", "B");
        leave.decided(Map.of("B", Set.of()));
        assertThat(leave.next(true, true, true, true, true, owners)).isEqualTo(LeaveConfirmation.Step.CONFIRM);
        assertThat(leave.next(true, true, true, true, true, owners)).isEqualTo(LeaveConfirmation.Step.WAIT);
        leave.decided(Map.of("B", Set.of()));
        assertThat(leave.next(true, true, true, true, true, owners)).as("a new decision, still unconfirmed")
                .isEqualTo(LeaveConfirmation.Step.CONFIRM);
        leave.decided(Map.of("B", Set.of("v1")));
        assertThat(leave.next(true, true, true, true, true, owners)).isEqualTo(LeaveConfirmation.Step.DONE);
    }

    private static final class Case {
        final String title;
        boolean joined = true;
        boolean leaving;
        boolean decided;
        boolean excluded;
        List<String> holds = List.of();
        List<String> handedAway = List.of();
        final Map<String, String> owners = new LinkedHashMap<>();
        final Map<String, List<String>> claims = new LinkedHashMap<>();
        final List<LeaveConfirmation.Step> expected = new ArrayList<>();

        Case(String title) {
            this.title = title;
        }

        static Case of(TableCases.Case table) {
            Case c = new Case(table.title());
            table.lines().forEach(c::read);
            if (c.expected.isEmpty()) {
                throw new IllegalArgumentException(c.title + ": no expectation");
            }
            return c;
        }

        private void read(TableCases.Line line) {
            switch (line.keyword()) {
                case "alone" -> joined = false;
                case "leaving" -> leaving = true;
                case "decided" -> decided = true;
                case "excluded" -> excluded = true;
                case "holds" -> holds = line.args();
                case "handedaway" -> handedAway = line.args();
                case "owner" -> owners.put(line.arg(0), line.arg(1).equals("-") ? null : line.arg(1));
                case "claims" -> claims.put(line.arg(0), line.argsFrom(1));
                case "expect" -> line.args().forEach(s -> expected.add(LeaveConfirmation.Step.valueOf(s.toUpperCase(java.util.Locale.ROOT))));
                default -> throw line.error("unknown keyword " + line.keyword());
            }
        }

        void check() {
            LeaveConfirmation leave = new LeaveConfirmation();
            handedAway.forEach(leave::handedAway);
            leave.decided(claims);
            List<LeaveConfirmation.Step> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                got.add(leave.next(joined, leaving, decided, excluded, holds.isEmpty(), owners));
            }
            assertThat(got).isEqualTo(expected);
        }
    }
}
