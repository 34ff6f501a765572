package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DepartedAnswersTest {
    private final List<String> departed = List.of("h1", "h3");
    /** The clock: each round a second after the one before. */
    private long now;

    @Test
    void aMemberThatAnsweredOnceStaysAliveThroughLostAnswers() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true, "h3", false), true, now += 1000);
        d.heard(departed, Map.of("h3", true), true, now += 1000); // h1's answer lost on a lossy link
        d.heard(departed, Map.of(), true, now += 1000);
        assertThat(d.alive()).containsEntry("h1", true).containsEntry("h3", true);
        assertThat(d.allDead(departed, now)).isFalse();
    }

    @Test
    void threeMissesInARowMakeItDead() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true), true, now += 1000);
        for (int i = 0; i < DepartedAnswers.MISSES_FOR_DEAD; i++) {
            assertThat(d.alive()).containsKey("h1");
            d.heard(departed, Map.of(), true, now += 1000);
        }
        assertThat(d.alive()).isEmpty();
        assertThat(d.allDead(departed, now)).isTrue();
    }

    @Test
    void anAnswerResetsTheMisses() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of(), true, now += 1000);
        d.heard(departed, Map.of(), true, now += 1000);
        d.heard(departed, Map.of("h1", false), true, now += 1000);
        d.heard(departed, Map.of(), true, now += 1000);
        d.heard(departed, Map.of(), true, now += 1000);
        assertThat(d.alive()).containsEntry("h1", false);
        assertThat(d.allDead(departed, now)).isFalse();
    }

    @Test
    void silenceWhileThisHostCannotHearCountsForNothing() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true), true, now += 1000);
        for (int i = 0; i < 10; i++) {
            d.heard(departed, Map.of(), false, now += 1000);
        }
        assertThat(d.alive()).containsKey("h1");
        assertThat(d.allDead(departed, now)).isFalse();
    }

    @Test
    void membersNeverHeardAreNotAliveAndDieAfterTheirMisses() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h3", true), true, now += 1000);
        assertThat(d.alive()).containsOnlyKeys("h3");
        assertThat(d.allDead(departed, now)).isFalse();
    }

    /** Over TCP a lossy link stalls answers for seconds: quick rounds all missed are not yet a death. */
    @Test
    void aMemberHeardBeforeIsDeadOnlyAfterItsMissesAndSilentSeconds() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true), true, 0);
        d.heard(departed, Map.of(), true, 250);
        d.heard(departed, Map.of(), true, 750);
        d.heard(departed, Map.of(), true, 1750);
        assertThat(d.alive()).as("three misses in 1.75 s").containsKey("h1");
        assertThat(d.allDead(departed, 1750)).isFalse();
        d.heard(departed, Map.of(), true, DepartedAnswers.SILENT_MS_FOR_DEAD);
        assertThat(d.alive()).isEmpty();
        assertThat(d.allDead(departed, DepartedAnswers.SILENT_MS_FOR_DEAD)).as("h3 never heard: dead after its misses").isTrue();
    }

    /** A lossy host alone in its view missed every answer for three quick rounds: never heard is not dead before 3 s. */
    @Test
    void aMemberNeverHeardIsDeadOnlyAfterItsMissesAndSilentSecondsSinceFirstAsked() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of(), true, 500);
        d.heard(departed, Map.of(), true, 1000);
        d.heard(departed, Map.of(), true, 1700);
        assertThat(d.allDead(departed, 1700)).as("three misses in 1.2 s").isFalse();
        d.heard(departed, Map.of(), true, 500 + DepartedAnswers.SILENT_MS_FOR_DEAD);
        assertThat(d.allDead(departed, 500 + DepartedAnswers.SILENT_MS_FOR_DEAD)).isTrue();
    }
}
