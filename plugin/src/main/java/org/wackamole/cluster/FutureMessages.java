package org.wackamole.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.jgroups.Address;
import org.wackamole.cluster.wire.ViewKey;
import org.wackamole.cluster.wire.WireMessage;

/**
 * Messages of views not installed yet (JGroups delivers a peer's first messages of a view before
 * the view itself), kept until it comes, within bounds of count, bytes and age: a view that never
 * comes, or a sender naming views that never come, costs bounded memory. The clock is the caller's.
 * Confined to the protocol thread.
 */
final class FutureMessages {

    /** One message kept, with its size on the wire and when it came. */
    record Pending(Address src, WireMessage message, int size, long nanos) {
    }

    private final int maxCount;
    private final long maxBytes;
    private final long ttlNanos;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private long bytes;

    FutureMessages(int maxCount, long maxBytes, long ttlNanos) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.ttlNanos = ttlNanos;
    }

    /** Forgets the messages older than the age bound; returns how many (their view never came). */
    int expire(long now) {
        int expired = 0;
        while (!pending.isEmpty() && now - pending.peekFirst().nanos() > ttlNanos) {
            bytes -= pending.removeFirst().size();
            expired++;
        }
        return expired;
    }

    /** Keeps the message; when the buffer is full, keeps nothing and says why (for the rejection). */
    String offer(Address src, WireMessage m, int size, long now) {
        if (pending.size() >= maxCount || bytes + size > maxBytes) {
            return "the buffer for messages of views not installed yet is full (" + pending.size() + " messages, "
                    + bytes + " bytes)";
        }
        pending.addLast(new Pending(src, m, size, now));
        bytes += size;
        return null;
    }

    /**
     * The messages of the view just installed, in the order they came, taken out of the buffer; those
     * of views numbered no higher are forgotten too (that view will never be installed here now).
     */
    List<Pending> takeFor(ViewKey installed) {
        List<Pending> replay = new ArrayList<>();
        Iterator<Pending> it = pending.iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.message().view().equals(installed)) {
                replay.add(p);
                it.remove();
                bytes -= p.size();
            } else if (p.message().view().id() <= installed.id()) {
                it.remove();
                bytes -= p.size();
            }
        }
        return replay;
    }

    void clear() {
        pending.clear();
        bytes = 0;
    }

    int size() {
        return pending.size();
    }

    long bytes() {
        return bytes;
    }
}
