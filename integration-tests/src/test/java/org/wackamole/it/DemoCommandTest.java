package org.wackamole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the interactive demo accepts, and what it says to a typo (any user). */
class DemoCommandTest {
    private static final List<String> HOSTS = JettyFarm.HOSTS;
    private static final List<String> VIPS = JettyFarm.VIPS;

    private static DemoCommand parse(String line) {
        return DemoCommand.parse(line, HOSTS, VIPS);
    }

    @Test
    void commandsOfTheIssue() {
        assertThat(parse("kill h2")).isEqualTo(new DemoCommand("kill", "h2", null, 0, null));
        assertThat(parse("  stop   h1 ")).isEqualTo(new DemoCommand("stop", "h1", null, 0, null));
        assertThat(parse("pause h2 3s")).isEqualTo(new DemoCommand("pause", "h2", null, 3000, null));
        assertThat(parse("pause h2 500ms").millis()).isEqualTo(500);
        assertThat(parse("pause h2").millis()).isEqualTo(3000);
        assertThat(parse("cut h3").verb()).isEqualTo("cut");
        assertThat(parse("heal h3").verb()).isEqualTo("heal");
        assertThat(parse("move 198.51.100.101 h3")).isEqualTo(new DemoCommand("move", "h3", "198.51.100.101", 0, null));
        assertThat(parse("drain h1").verb()).isEqualTo("drain");
        assertThat(parse("resume h1").verb()).isEqualTo("resume");
        assertThat(parse("status").verb()).isEqualTo("status");
        assertThat(parse("QUIT").verb()).isEqualTo("quit");
        assertThat(parse("").verb()).isEqualTo("none");
    }

    @Test
    void typosSayWhatIsAccepted() {
        assertThat(parse("kill h9").message()).isEqualTo("'kill' needs a host: kill h1|h2|h3");
        assertThat(parse("pause h2 soon").message()).isEqualTo("'soon' is not a time: write e.g. 3s or 500ms");
        assertThat(parse("pause h2 2m").message()).isEqualTo("'2m' is not a time: write e.g. 3s or 500ms");
        assertThat(parse("pause h2 90s").message()).isEqualTo("pause between 1ms and 60s, not 90s");
        assertThat(parse("move 198.51.100.9 h3").message()).startsWith("'move' needs a VIP and a host: move 198.51.100.101 h3 (VIPs: 198.51.100.100,");
        assertThat(parse("reboot h1").message()).startsWith("unknown command 'reboot'; commands: kill|stop|start|pause");
    }
}
