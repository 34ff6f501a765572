package org.wackamole.cluster;

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
 */
public class VerifySuspect extends VERIFY_SUSPECT {

    public VerifySuspect() {
        id = ClassConfigurator.getProtocolId(VERIFY_SUSPECT.class);
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.UNSUSPECT && evt.getArg() instanceof Address heard && removeSuspect(heard)) {
            log.debug("%s: heard from %s while verifying it: no longer suspected", local_addr, heard);
        }
        return super.up(evt);
    }
}
