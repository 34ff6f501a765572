package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The split rule across views and discovery rounds, as one member lives it. */
class SplitWatchTest {
    private final SplitWatch<String> watch = new SplitWatch<>();
    /** The clock: each discovery round a second after the one before. */
    private long now;

    @Test
    void aSurvivorOutnumberedByTheDepartedYieldsAtOnceAndStays() {
        SplitWatch.ViewStep<String> step = watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h3"), List.of("h3"), true);
        assertThat(step.departed()).containsExactly("h1", "h2");
        assertThat(step.yieldsNow()).as("two departed against one: they may be taking its VIPs").isTrue();
        assertThat(watch.mayAcquire()).isFalse();
        SplitWatch.Answer<String> a = watch.answered(List.of("h3"), List.of("h3"), Map.of("h2", true), true, now += 1000);
        assertThat(a.change()).isEqualTo(SplitWatch.Change.NONE);
        assertThat(a.alive()).containsExactly("h2");
        assertThat(watch.yields()).isTrue();
        assertThat(a.askAgain()).isTrue();
    }

    @Test
    void aRealDeathIsTakenOverAtTheFirstSilentRoundAndForgottenAfterThreeRoundsAndThreeSeconds() {
        watch.viewChanged(List.of("h1", "h2"), List.of("h2"), List.of("h2"), true);
        assertThat(watch.mayAcquire()).isFalse();
        assertThat(watch.answered(List.of("h2"), List.of("h2"), Map.of(), true, now += 1000).change()).isEqualTo(SplitWatch.Change.TAKE_OVER);
        assertThat(watch.mayAcquire()).isTrue();
        assertThat(watch.answered(List.of("h2"), List.of("h2"), Map.of(), true, now += 1000).askAgain()).isTrue();
        assertThat(watch.answered(List.of("h2"), List.of("h2"), Map.of(), true, now += 1000).askAgain())
                .as("three misses, but 2 s since first asked").isTrue();
        SplitWatch.Answer<String> fourth = watch.answered(List.of("h2"), List.of("h2"), Map.of(), true, now += 1000);
        assertThat(fourth.askAgain()).isFalse();
        assertThat(watch.reference()).isNull();
    }

    /** Five members, h4 and h5 killed and restarted as h4' and h5': their dead incarnations outnumber nobody. */
    @Test
    void departedMembersBackUnderANewAddressAreForgotten() {
        watch.viewChanged(List.of("h1", "h2", "h3", "h4", "h5"), List.of("h1", "h2", "h3"), List.of("h1", "h2", "h3"), true);
        assertThat(watch.reference()).containsExactly("h1", "h2", "h3", "h4", "h5");
        watch.forget(List.of("h4"));
        watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h1", "h2", "h3", "h4'"), List.of("h1", "h2", "h3", "h4'"), true);
        assertThat(watch.reference()).as("h5 may still be alive elsewhere").containsExactly("h1", "h2", "h3", "h5");
        watch.forget(List.of("h5"));
        SplitWatch.ViewStep<String> step = watch.viewChanged(List.of("h1", "h2", "h3", "h4'"),
                List.of("h1", "h2", "h3", "h4'", "h5'"), List.of("h1", "h2", "h3", "h4'", "h5'"), true);
        assertThat(step.departed()).isEmpty();
        assertThat(watch.reference()).isNull();
        assertThat(watch.mayAcquire()).isTrue();
    }

    @Test
    void theLowerRankedOfTwoAsksThenYields() {
        SplitWatch.ViewStep<String> step = watch.viewChanged(List.of("h1", "h2"), List.of("h2"), List.of("h2"), true);
        assertThat(step.yieldsNow()).as("a tie: it keeps what it holds while it asks").isFalse();
        assertThat(watch.mayAcquire()).as("asking").isFalse();
        SplitWatch.Answer<String> a = watch.answered(List.of("h2"), List.of("h2"), Map.of("h1", true), true, now += 1000);
        assertThat(a.change()).isEqualTo(SplitWatch.Change.YIELD);
        assertThat(watch.yields()).isTrue();
    }

    @Test
    void theFirstRankedOfTwoNeverWaits() {
        SplitWatch.ViewStep<String> step = watch.viewChanged(List.of("h1", "h2"), List.of("h1"), List.of("h1"), true);
        assertThat(step.departed()).containsExactly("h2"); // asked in the background, to learn whether it is dead
        assertThat(watch.mayAcquire()).isTrue();
    }

    /** The TCP farm under loss: [h1,h2,h3] -> [h2,h3] -> [h2], with the healthy h1 answering only now and then. */
    @Test
    void aSplitInStepsIsJudgedAgainstTheWholeViewAndALostAnswerChangesNothing() {
        watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h2", "h3"), List.of("h2", "h3"), true);
        assertThat(watch.mayAcquire()).as("two of three: the larger side").isTrue();
        assertThat(watch.answered(List.of("h2", "h3"), List.of("h2", "h3"), Map.of("h1", true), true, now += 1000).change()).isEqualTo(SplitWatch.Change.NONE);
        assertThat(watch.viewChanged(List.of("h2", "h3"), List.of("h2"), List.of("h2"), true).yieldsNow())
                .as("judged against the whole: h1 and h3 departed, two against one").isTrue();
        assertThat(watch.reference()).containsExactly("h1", "h2", "h3");
        assertThat(watch.mayAcquire()).isFalse();
        assertThat(watch.answered(List.of("h2"), List.of("h2"), Map.of("h3", true), true, now += 1000).change())
                .as("h1's answer lost this time, but it answered before: h1 and h3 are two sides of one, h1 first")
                .isEqualTo(SplitWatch.Change.NONE);
        assertThat(watch.answered(List.of("h2"), List.of("h2"), Map.of(), true, now += 1000).change()).isEqualTo(SplitWatch.Change.NONE);
        assertThat(watch.yields()).as("one silent round proves nothing").isTrue();
    }

    @Test
    void aViewThatTakesTheDepartedBackEndsIt() {
        watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h3"), List.of("h3"), true);
        watch.answered(List.of("h3"), List.of("h3"), Map.of("h1", true, "h2", false), true, now += 1000);
        assertThat(watch.yields()).isTrue();
        SplitWatch.ViewStep<String> merged = watch.viewChanged(List.of("h3"), List.of("h1", "h2", "h3"), List.of("h1", "h2", "h3"), true);
        assertThat(merged.holdsAgain()).isTrue();
        assertThat(merged.departed()).isEmpty();
        assertThat(watch.reference()).isNull();
        assertThat(watch.mayAcquire()).isTrue();
    }

    @Test
    void aYieldingSideTakesOverWhenTheLargerOneDies() {
        watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h3"), List.of("h3"), true);
        watch.answered(List.of("h3"), List.of("h3"), Map.of("h1", true, "h2", false), true, now += 1000);
        for (int i = 0; i < DepartedAnswers.MISSES_FOR_DEAD - 1; i++) {
            assertThat(watch.answered(List.of("h3"), List.of("h3"), Map.of(), true, now += 1000).change()).isEqualTo(SplitWatch.Change.NONE);
        }
        SplitWatch.Answer<String> last = watch.answered(List.of("h3"), List.of("h3"), Map.of(), true, now += 1000);
        assertThat(last.change()).isEqualTo(SplitWatch.Change.TAKE_OVER);
        assertThat(last.askAgain()).isFalse();
    }

    @Test
    void quorumPolicyLeavesItOut() {
        SplitWatch.ViewStep<String> step = watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h3"), List.of("h3"), false);
        assertThat(step.departed()).isEmpty();
        assertThat(watch.mayAcquire()).isTrue();
    }

    /**
     * A round whose silence proves nothing (the member just rejoined and its JOIN went unanswered, its
     * cluster interface is down) does not take over: on the TCP soak a rejoined member alone in its view
     * heard no discovery answer in its first 500 ms, took every VIP, and yielded 250 ms later.
     */
    @Test
    void silenceThatProvesNothingTakesNothingOver() {
        SplitWatch<String> watch = new SplitWatch<>();
        watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h1b"), List.of("h1b"), true);
        assertThat(watch.mayAcquire()).isFalse();
        assertThat(watch.answered(List.of("h1b"), List.of("h1b"), Map.of(), false, now += 1000).change()).isEqualTo(SplitWatch.Change.NONE);
        assertThat(watch.mayAcquire()).as("still asking").isFalse();
        assertThat(watch.answered(List.of("h1b"), List.of("h1b"), Map.of("h2", true, "h3", false), false, now += 1000).change())
                .as("it yielded at the view: outnumbered").isEqualTo(SplitWatch.Change.NONE);
        assertThat(watch.yields()).isTrue();
        // A round that heard every departed member decides even when cut short: h1 and h2 answer as the
        // coordinators of two sides of one, each smaller than h3 and h4 together.
        SplitWatch<String> four = new SplitWatch<>();
        four.viewChanged(List.of("h1", "h2", "h3", "h4"), List.of("h3", "h4"), List.of("h3", "h4"), true);
        assertThat(four.mayAcquire()).isFalse();
        assertThat(four.answered(List.of("h3", "h4"), List.of("h3", "h4"), Map.of("h1", true, "h2", true), false, now += 1000).change())
                .isEqualTo(SplitWatch.Change.TAKE_OVER);
    }
    /**
     * The TCP soak's 20 % loss: b's view [b, c] keeps c, which installed a's view [a, c] and never speaks in b's.
     * Once c is named silent, b's side is b alone, and a (outside b's view) answers as a coordinator with c
     * answering as its follower: the larger side is elsewhere.
     */
    @Test
    void membersThatDoNotSpeakInTheViewCountAsDepartedOnceAnotherSideAnswers() {
        watch.viewChanged(List.of("a", "b", "c"), List.of("b", "c"), List.of("b", "c"), true);
        assertThat(watch.mayAcquire()).as("two of three").isTrue();
        // c named silent in [b, c]: a outside the view and c in it outnumber b, who lets go at once
        assertThat(watch.viewChanged(List.of("b", "c"), List.of("b"), List.of("b", "c"), true).yieldsNow()).isTrue();
        SplitWatch.Answer<String> a = watch.answered(List.of("b"), List.of("b", "c"), Map.of("a", true, "c", false), true, now += 1000);
        assertThat(a.change()).isEqualTo(SplitWatch.Change.NONE);
        assertThat(a.alive()).containsExactly("a", "c");
        assertThat(watch.yields()).isTrue();
    }

    /**
     * A hung coordinator (its protocol thread stuck, its stack answering discovery as the coordinator of the
     * view we share) is no other side: the survivor of a farm of two takes over, though the hung one ranks first.
     */
    @Test
    void aSilentMemberOfOurOwnViewIsNoOtherSide() {
        watch.viewChanged(List.of("a", "b"), List.of("b"), List.of("a", "b"), true); // a named silent in [a, b]
        assertThat(watch.mayAcquire()).isFalse();
        SplitWatch.Answer<String> a = watch.answered(List.of("b"), List.of("a", "b"), Map.of("a", true), false, now += 1000);
        assertThat(a.change()).as("every departed answered: decided").isEqualTo(SplitWatch.Change.TAKE_OVER);
        assertThat(watch.mayAcquire()).isTrue();
        // Two hung followers of ours: no coordinator of another side, nothing to yield to.
        SplitWatch<String> three = new SplitWatch<>();
        assertThat(three.viewChanged(List.of("a", "b", "c"), List.of("a"), List.of("a", "b", "c"), true).yieldsNow())
                .as("silent members of our own view, nobody outside it: asked about, not yielded to").isFalse();
        assertThat(three.answered(List.of("a"), List.of("a", "b", "c"), Map.of("b", false, "c", false), true, now += 1000).change())
                .isEqualTo(SplitWatch.Change.TAKE_OVER);
    }

    /**
     * A lossy host alone in its view hears none of the two it left for a round or two: taking every VIP then
     * doubled all four on the TCP soak. Outnumbered and hearing nobody, it takes over only once they count
     * as dead (three missed rounds, and 3 s since they were first asked about); hearing one of them (two survivors of a death that starved apart), one silent round is enough.
     */
    @Test
    void aLoneMemberThatHearsNobodyWaitsUntilTheOthersCountAsDead() {
        watch.viewChanged(List.of("h1", "h2", "h3"), List.of("h1"), List.of("h1"), true);
        // Rounds a second apart: three misses by the third, 3 s since first asked by the fourth.
        for (int i = 0; i < DepartedAnswers.MISSES_FOR_DEAD; i++) {
            assertThat(watch.answered(List.of("h1"), List.of("h1"), Map.of(), true, now += 1000).change()).isEqualTo(SplitWatch.Change.NONE);
        }
        assertThat(watch.mayAcquire()).isFalse();
        assertThat(watch.answered(List.of("h1"), List.of("h1"), Map.of(), true, now += 1000).change()).isEqualTo(SplitWatch.Change.TAKE_OVER);

        SplitWatch<String> survivor = new SplitWatch<>();
        survivor.viewChanged(List.of("a", "b", "c"), List.of("b"), List.of("b"), true); // a's host died, c starved apart
        assertThat(survivor.answered(List.of("b"), List.of("b"), Map.of("c", true), true, now += 1000).change())
                .as("c heads a side of one, ranked after b; a silent").isEqualTo(SplitWatch.Change.TAKE_OVER);
    }
}
