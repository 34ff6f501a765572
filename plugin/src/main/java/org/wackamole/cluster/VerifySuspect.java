package org.wackamole.cluster;

import java.util.Collection;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.VERIFY_SUSPECT;

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
 */
public class VerifySuspect extends VERIFY_SUSPECT {
    private volatile Consumer<Collection<Address>> suspicions;

    public VerifySuspect() {
        id = ClassConfigurator.getProtocolId(VERIFY_SUSPECT.class);
    }

    /** Gets the members each raw suspicion names, on a JGroups thread: it must not block. */
    public void suspicions(Consumer<Collection<Address>> listener) {
        this.suspicions = listener;
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
