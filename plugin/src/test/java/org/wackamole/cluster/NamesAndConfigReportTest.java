package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;

class NamesAndConfigReportTest {
    private static final ViewKey VIEW = new ViewKey(1, 2, 3);
    private final Address a = new UUID(0, 1);
    private final Address b = new UUID(0, 2);
    private final Address c = new UUID(0, 3);

    private static WireMessage.State state(String node, int digest) {
        return new WireMessage.State(VIEW, 1, node, true, true, 1, digest, List.of(), List.of(), List.of());
    }

    private static WireMessage.State dryRun(String node) {
        return new WireMessage.State(VIEW, 1, node, true, true, 1, 7, List.of(), List.of(), List.of(), List.of(), false, 0, true, List.of());
    }

    private final Map<Address, WireMessage.State> states = new LinkedHashMap<>();

    private RoundInput input(WireMessage.State sa, WireMessage.State sb, WireMessage.State sc) {
        states.clear();
        states.put(a, sa);
        states.put(b, sb);
        states.put(c, sc);
        return RoundInput.of(List.of(a, b, c), states, 0, 0, List.of("g1", "g2"));
    }

    @Test
    void whyAMemberHoldsNothing() {
        RoundInput in = input(state("a", 7), state("a", 7), state("c", 8));
        assertThat(NamesAndConfigReport.refusalOf(in, a)).isNull();
        assertThat(NamesAndConfigReport.refusalOf(in, b)).isEqualTo(MemberState.DUPLICATE_NAME);
        assertThat(NamesAndConfigReport.refusalOf(in, c)).isEqualTo(MemberState.MISCONFIGURED);
        RoundInput dry = input(dryRun("a"), state("b", 7), state("c", 7));
        assertThat(NamesAndConfigReport.refusalOf(dry, a)).isEqualTo(MemberState.OBSERVING);
        assertThat(NamesAndConfigReport.refusalOf(dry, b)).isNull();
    }

    @Test
    void eachChangeIsLoggedOnceAndTheRefusalFollowsTheLastRound() {
        Recording log = new Recording();
        NamesAndConfigReport report = new NamesAndConfigReport(log, "a");
        RoundInput fine = input(state("a", 7), state("b", 7), state("c", 7));
        report.report(fine, states, b);
        assertThat(log.lines).as("nothing was wrong before: nothing to say").isEmpty();

        RoundInput clash = input(state("a", 7), state("a", 7), state("c", 8));
        report.report(clash, states, b);
        report.report(clash, states, b);
        assertThat(log.lines).hasSize(2);
        assertThat(log.lines.get(0)).startsWith("ERROR Another member of the view already calls itself 'a'");
        assertThat(log.lines.get(1)).startsWith("WARN Configurations differ in the cluster");
        assertThat(report.refusal()).isEqualTo(MemberState.DUPLICATE_NAME);
        assertThat(report.configDifferences()).isNotEmpty();

        report.report(fine, states, b);
        assertThat(log.lines).hasSize(4);
        assertThat(log.lines.get(2)).isEqualTo("INFO Every member's name is unique again");
        assertThat(log.lines.get(3)).isEqualTo("INFO Every member's configuration agrees again");
        assertThat(report.refusal()).isNull();
        assertThat(report.configDifferences()).isEmpty();
    }

    /** A logger that keeps what it is given, as "LEVEL message". */
    private static final class Recording extends AbstractLogger {
        final List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
