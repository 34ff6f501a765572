package org.wackamole.cluster;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;

/**
 * At the top of a test member's stack: while held, the member's own messages wait here, and on release they go in
 * the order they were sent. What a stalled TCP connection that catches up looks like to the member's peers: its
 * heartbeats and JGroups' own traffic flow (they start below), its rounds and states come late, none is lost.
 */
final class Hold extends Protocol {
    private final List<Message> waiting = new ArrayList<>();
    private boolean holding;

    synchronized void hold() {
        holding = true;
    }

    /** Sends what waited, under the lock so that nothing sent meanwhile overtakes it. */
    synchronized void release() {
        holding = false;
        waiting.forEach(down_prot::down);
        waiting.clear();
    }

    @Override
    public synchronized Object down(Message msg) {
        if (holding) {
            waiting.add(msg);
            return null;
        }
        return down_prot.down(msg);
    }
}
