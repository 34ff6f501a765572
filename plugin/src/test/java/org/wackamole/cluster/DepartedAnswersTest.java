package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DepartedAnswersTest {
    private final List<String> departed = List.of("h1", "h3");

    @Test
    void aMemberThatAnsweredOnceStaysAliveThroughLostAnswers() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true, "h3", false), true);
        d.heard(departed, Map.of("h3", true), true); // h1's answer lost on a lossy link
        d.heard(departed, Map.of(), true);
        assertThat(d.alive()).containsEntry("h1", true).containsEntry("h3", true);
        assertThat(d.allDead(departed)).isFalse();
    }

    @Test
    void threeMissesInARowMakeItDead() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true), true);
        for (int i = 0; i < DepartedAnswers.MISSES_FOR_DEAD; i++) {
            assertThat(d.alive()).containsKey("h1");
            d.heard(departed, Map.of(), true);
        }
        assertThat(d.alive()).isEmpty();
        assertThat(d.allDead(departed)).isTrue();
    }

    @Test
    void anAnswerResetsTheMisses() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of(), true);
        d.heard(departed, Map.of(), true);
        d.heard(departed, Map.of("h1", false), true);
        d.heard(departed, Map.of(), true);
        d.heard(departed, Map.of(), true);
        assertThat(d.alive()).containsEntry("h1", false);
        assertThat(d.allDead(departed)).isFalse();
    }

    @Test
    void silenceWhileThisHostCannotHearCountsForNothing() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h1", true), true);
        for (int i = 0; i < 10; i++) {
            d.heard(departed, Map.of(), false);
        }
        assertThat(d.alive()).containsKey("h1");
        assertThat(d.allDead(departed)).isFalse();
    }

    @Test
    void membersNeverHeardAreNotAliveAndDieAfterTheirMisses() {
        DepartedAnswers<String> d = new DepartedAnswers<>();
        d.heard(departed, Map.of("h3", true), true);
        assertThat(d.alive()).containsOnlyKeys("h3");
        assertThat(d.allDead(departed)).isFalse();
    }
}
