package org.wackamole.cluster;

import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.PhysicalAddress;
import org.jgroups.ViewId;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.MERGE3;

/**
 * JGroups' {@code MERGE3} that also tells a listener which view each sender of an {@code INFO} reports.
 * Every member sends {@code INFO} to every member discovery knows, whatever their views, every
 * {@code min_interval} to {@code max_interval}; a member of our view that reports another view is in a
 * view we are not in. That is how a member excluded unawares learns it: on the TCP farm under loss a lossy
 * coordinator excluded a healthy member whose own view never changed (it still heard the others), and it
 * held its VIPs beside the ones who took them until MERGE3 merged the views, seconds later. MERGE3 itself
 * acts only at its coordinators' checks. It uses {@code MERGE3}'s protocol id, so its messages are
 * {@code MERGE3}'s: a member running the plain protocol merges with it as before.
 */
public class ViewReports extends MERGE3 {
    private volatile BiConsumer<Address, ViewId> listener;

    public ViewReports() {
        id = ClassConfigurator.getProtocolId(MERGE3.class);
    }

    /** Gets every sender and the view it reports, on a JGroups thread: it must not block. */
    public void listener(BiConsumer<Address, ViewId> listener) {
        this.listener = listener;
    }

    @Override
    protected void addInfo(Address sender, ViewId viewId, String logicalName, PhysicalAddress physicalAddr) {
        super.addInfo(sender, viewId, logicalName, physicalAddr);
        BiConsumer<Address, ViewId> l = listener;
        if (l != null && sender != null && viewId != null) {
            l.accept(sender, viewId);
        }
    }
}
