package org.wackamole.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;
import org.jgroups.util.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link VerifySuspect} between two recording protocols: what it passes up after a suspicion. */
class VerifySuspectTest {
    private static final Address PEER = Util.createRandomAddress("peer");

    /** Records the events that reach it; stands where GMS (above) and FD_ALL3 (below) would. */
    static final class Recorder extends Protocol {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public Object up(Event evt) {
            events.add(Event.type2String(evt.getType()) + " " + evt.getArg());
            return null;
        }

        @Override
        public Object down(Event evt) {
            return null;
        }

        @Override
        public org.jgroups.util.ThreadFactory getThreadFactory() {
            return new org.jgroups.util.DefaultThreadFactory("verify-test", true);
        }

        @Override
        public Object down(Message msg) {
            events.add("sent to " + msg.getDest()); // the ARE_YOU_DEAD a suspicion sends
            return null;
        }
    }

    private final Recorder above = new Recorder(), below = new Recorder();
    private final VerifySuspect verify = new VerifySuspect();

    @BeforeEach
    void wire() {
        verify.setTimeout(100);
        verify.setUpProtocol(above);
        verify.setDownProtocol(below);
    }

    @AfterEach
    void stop() {
        verify.stop();
    }

    @Test
    void aSuspectThatSaysNothingIsPassedUpAfterTheTimeout() throws Exception {
        verify.up(new Event(Event.SUSPECT, new ArrayList<>(List.of(PEER))));
        assertThat(below.events).containsExactly("sent to " + PEER);
        Thread.sleep(400);
        assertThat(above.events).containsExactly("SUSPECT [" + PEER + "]");
    }

    @Test
    void aMessageTheFailureDetectorGotFromTheSuspectEndsTheSuspicion() throws Exception {
        verify.up(new Event(Event.SUSPECT, new ArrayList<>(List.of(PEER))));
        Thread.sleep(30);
        verify.up(new Event(Event.UNSUSPECT, PEER)); // FD_ALL3 received something from PEER meanwhile
        Thread.sleep(400);
        assertThat(above.events).containsExactly("UNSUSPECT " + PEER);
    }
}
