package org.wackamole.network;

import org.wackamole.config.WackamoleConfig;
import org.wackamole.network.linux.LinuxNetwork;

/** Picks the network a member holds its VIPs on, from {@code wackamole.network}. */
public final class VipNetworks {
    private VipNetworks() {
    }

    /**
     * The real Linux network (capabilities and every interface of the pool checked now, so a
     * problem stops the start), or a recording one for a dry run.
     */
    public static VipNetwork create(WackamoleConfig config, NetworkLog dryRunLog) throws NetworkException {
        if (!config.network().real()) {
            return new InMemoryNetwork(config.node(), dryRunLog);
        }
        LinuxNetwork network = LinuxNetwork.open(config.network());
        try {
            network.checkInterfaces(config.groups());
        } catch (NetworkException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }
}
