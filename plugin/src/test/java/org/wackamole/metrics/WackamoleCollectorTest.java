package org.wackamole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.wackamole.cluster.MemberState;

/** The collector sits above the management contract and cannot see the member's enum: this keeps the two in step. */
class WackamoleCollectorTest {

    @Test
    void everyMemberStateHasASeries() {
        assertThat(WackamoleCollector.STATES).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(MemberState.values()).map(Enum::name).toList());
    }
}
