package org.wackamole.cluster;

import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;

/**
 * Whether the protocol reads a message that passed authentication and decoding, decided from the
 * member's view and round alone (pure; {@code admissions.txt}). A message of a view not installed
 * yet waits for it ({@link FutureMessages}); one of an older view is dropped; one from outside the
 * view, or too far ahead of our round, is refused: only a hostile or broken sender goes there.
 *
 * @param verdict what to do with the message
 * @param why     for {@link Verdict#REJECT}, what was wrong with it (free of the message's own text); else null
 */
record Admission(Verdict verdict, String why) {

    enum Verdict {
        /** The protocol reads it now. */
        READ,
        /** Kept until its view is installed. */
        BUFFER,
        /** Of a view we have left: counted as dropped. */
        DROP,
        /** Refused: counted and logged as a rejection. */
        REJECT
    }

    private static final Admission READ = new Admission(Verdict.READ, null);
    private static final Admission BUFFER = new Admission(Verdict.BUFFER, null);
    private static final Admission DROP = new Admission(Verdict.DROP, null);

    /**
     * @param current        the installed view, or null when there is none (not joined yet, or stopped)
     * @param round          the latest round this member answered in that view
     * @param fromMember     whether the sender is a member of that view
     * @param maxRoundsAhead how far ahead of {@code round} a STATE, RELEASED or PREPARED may be
     */
    static Admission of(ViewKey current, int round, boolean fromMember, WireMessage m, int maxRoundsAhead) {
        if (current == null) {
            return BUFFER;
        }
        if (!m.view().equals(current)) {
            return m.view().id() > current.id() ? BUFFER : DROP; // newer: sent in a view we have not installed yet
        }
        // Only members of this view speak in it: whoever else names it (an insider with the key outside the view, a
        // forged sender) is not listened to, and its states never reach a decision or the conflict detection.
        if (!fromMember) {
            return new Admission(Verdict.REJECT, m.getClass().getSimpleName() + " of view " + current + " from outside the view");
        }
        if ((m instanceof WireMessage.State || m instanceof WireMessage.Released || m instanceof WireMessage.Prepared)
                && (long) m.round() > (long) round + maxRoundsAhead) {
            return new Admission(Verdict.REJECT, m.getClass().getSimpleName() + " of round " + m.round() + ", more than "
                    + maxRoundsAhead + " ahead of round " + round);
        }
        return READ;
    }
}
