package org.wackamole.cluster;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The bookkeeping of resyncs after a pause ({@code ClusterMember.onPause}). The member that did not
 * run asks for a round with a token of its own and, until a decided round names that token, shows
 * PAUSED, acquires nothing and prepares nothing: what it had (view, queued states, releases) may be
 * from a view the others have left. The coordinator names, in each ROUND it starts, the tokens it was
 * asked with. Confined to the member's protocol thread.
 */
final class Resyncs {
    private final Random tokens;
    /** How many tokens one ROUND names (the wire's bound); the coordinator keeps at most four times that. */
    private final int perRound;
    /** This member's token while it waits for a round to confirm its view; 0: it does not wait. */
    private long token;
    /** While waiting: the channel was reconnected because no round confirmed the view, so a view of our own is the truth. */
    private boolean rejoined;
    /** Coordinator: tokens asked with, to be named by the next rounds. */
    private final Set<Long> asked = new LinkedHashSet<>();

    Resyncs(Random tokens, int perRound) {
        this.tokens = tokens;
        this.perRound = perRound;
    }

    /** A pause: this member waits, under a new token (never 0), for a round started after it. */
    long paused() {
        do {
            token = tokens.nextLong();
        } while (token == 0);
        rejoined = false;
        return token;
    }

    /** Whether this member waits for a round to confirm its view. */
    boolean waiting() {
        return token != 0;
    }

    /** Whether this member still waits under {@code t} (a later pause gives a new token). */
    boolean waitingFor(long t) {
        return token != 0 && token == t;
    }

    /** The token this member asks for a round with; 0 when it does not wait. */
    long token() {
        return token;
    }

    /** No round confirmed the view for long and the channel was reconnected: a round of this member alone may confirm it now. */
    void rejoined() {
        rejoined = true;
    }

    /**
     * A round was decided: whether it confirms this member's view, which ends the wait. Only a decided
     * round proves the view: every member of it answered a ROUND started after we asked (a stale
     * view's coordinator gets its own ROUND back at once, but never the others' states). Not a round of
     * this member alone, though: a paused member that then suspects its peers (they excluded it and
     * closed their FD_SOCK2 connections) becomes its own coordinator, and would take every
     * VIP they hold. Alone, only once reconnecting has not found them either ({@link #rejoined}).
     *
     * @param named   the tokens the decided ROUND names
     * @param members how many members answered it
     */
    boolean confirmedBy(List<Long> named, int members) {
        if (token == 0 || !named.contains(token) || (members <= 1 && !rejoined)) {
            return false;
        }
        token = 0;
        rejoined = false;
        return true;
    }

    /** Coordinator: a member asked for a round with {@code t} (0: without; beyond the bound: it asks again). */
    void askedBy(long t) {
        if (t != 0 && asked.size() < 4 * perRound) {
            asked.add(t);
        }
    }

    /** Coordinator: this member, waiting itself, asks the rounds it starts to name its token. */
    void askedByMe() {
        if (token != 0) {
            asked.add(token);
        }
    }

    /** Coordinator: the tokens the ROUND it starts now names, the earliest asked first; the rest wait for the next. */
    List<Long> takeForRound() {
        List<Long> named = asked.stream().limit(perRound).toList();
        named.forEach(asked::remove);
        return named;
    }

    /** A new view: tokens asked with in the old one are forgotten (who still waits asks again). */
    void viewChanged() {
        asked.clear();
    }
}
