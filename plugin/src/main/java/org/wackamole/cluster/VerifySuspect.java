package org.wackamole.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.VERIFY_SUSPECT;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.jgroups.util.MessageBatch;

/**
 * JGroups' {@code VERIFY_SUSPECT} that also takes a message the failure detector below it received as
 * a sign of life, not only its own {@code I_AM_NOT_DEAD} reply. FD_ALL3 reports such a message as an
 * {@code UNSUSPECT} event; {@code VERIFY_SUSPECT} passes that up but keeps checking, and confirms the
 * suspicion when the reply is late. On the farm a survivor starved of CPU was heard again 92 ms into a
 * 100 ms check, excluded anyway, and each side held every VIP until MERGE3 merged them. Detection of a
 * dead member is unchanged: it sends nothing. It uses {@code VERIFY_SUSPECT}'s protocol id, so its
 * messages are {@code VERIFY_SUSPECT}'s; every member must run the same stack.
 *
 * <p>It also tells a listener of every suspicion the failure detectors below raise, before it is verified:
 * a member that suspects most of its view at once is the one cut off, more likely than not, and can let go
 * before the others, who take its VIPs once they have verified and excluded it.
 *
 * <p>And it tells a listener who asks this member whether it is dead ({@code ARE_YOU_DEAD}): the asker
 * suspects it, and excludes it when the reply is late. A member whose own messages are lost suspects
 * nobody, but it hears the question a verification timeout before the view that excludes it.
 */
public class VerifySuspect extends VERIFY_SUSPECT {
    /** {@code VerifyHeader}'s type on the wire (its first field): the type itself is not visible here. */
    private static final short ARE_YOU_DEAD = 1;

    private volatile Consumer<Collection<Address>> suspicions;
    private volatile Consumer<Address> askedIfDead;

    public VerifySuspect() {
        id = ClassConfigurator.getProtocolId(VERIFY_SUSPECT.class);
    }

    /** Gets the members each raw suspicion names, on a JGroups thread: it must not block. */
    public void suspicions(Consumer<Collection<Address>> listener) {
        this.suspicions = listener;
    }

    /** Gets the member that asks whether this one is dead, on a JGroups thread: it must not block. */
    public void askedIfDead(Consumer<Address> listener) {
        this.askedIfDead = listener;
    }

    @Override
    public Object up(Message msg) {
        noteQuestion(msg.getSrc(), msg.getHeader(id));
        return super.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        for (Message msg : batch) {
            noteQuestion(batch.sender(), msg.getHeader(id));
        }
        super.up(batch);
    }

    private void noteQuestion(Address from, Header hdr) {
        Consumer<Address> l = askedIfDead;
        if (l != null && from != null && hdr != null && typeOf(hdr) == ARE_YOU_DEAD) {
            l.accept(from);
        }
    }

    static short typeOf(Header hdr) {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(hdr.serializedSize());
        try {
            hdr.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory stream
        }
        return out.byteBuffer().getShort(0);
    }

    @Override
    public Object up(Event evt) {
        Consumer<Collection<Address>> l = suspicions;
        if (l != null && evt.getType() == Event.SUSPECT && evt.getArg() instanceof Collection<?> c) {
            l.accept(c.stream().filter(Address.class::isInstance).map(Address.class::cast).toList());
        }
        if (evt.getType() == Event.UNSUSPECT && evt.getArg() instanceof Address heard && removeSuspect(heard)) {
            log.debug("%s: heard from %s while verifying it: no longer suspected", local_addr, heard);
        }
        return super.up(evt);
    }
}
