package org.wackamole.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wackamole.config.Setting;

class HealthGateTest {
    @Test
    void unhealthyAfterThresholdFailuresInARowAndBackAfterOneSuccess() {
        HealthGate gate = new HealthGate(3);
        assertThat(gate.record(false)).isFalse();
        assertThat(gate.record(false)).isFalse();
        assertThat(gate.record(true)).as("a success resets the count").isFalse();
        assertThat(gate.record(false)).isFalse();
        assertThat(gate.record(false)).isFalse();
        assertThat(gate.healthy()).isTrue();
        assertThat(gate.record(false)).as("third failure in a row").isTrue();
        assertThat(gate.healthy()).isFalse();
        assertThat(gate.record(false)).as("already unhealthy: no change").isFalse();
        assertThat(gate.failuresInARow()).isEqualTo(4);
        assertThat(gate.record(true)).isTrue();
        assertThat(gate.healthy()).isTrue();
        assertThat(gate.record(true)).isFalse();
    }

    @Test
    void thresholdOneDrainsOnTheFirstFailure() {
        HealthGate gate = new HealthGate(1);
        assertThat(gate.record(false)).isTrue();
        assertThat(gate.healthy()).isFalse();
    }

    @Test
    void attributeNamesAreCamelCaseAcrossTheDots() {
        assertThat(SettingNames.attribute(Setting.BALANCE_PER_ROUND)).isEqualTo("balancePerRound");
        assertThat(SettingNames.attribute(Setting.JGROUPS_BIND_ADDRESS)).isEqualTo("jgroupsBindAddress");
        assertThat(SettingNames.attribute(Setting.VIPS)).isEqualTo("vips");
        assertThat(SettingNames.forAttribute("healthUrl")).contains(Setting.HEALTH_URL);
        assertThat(SettingNames.forAttribute("health.url")).isEmpty();
        for (Setting s : Setting.values()) {
            assertThat(SettingNames.forAttribute(SettingNames.attribute(s))).contains(s);
        }
    }
}
