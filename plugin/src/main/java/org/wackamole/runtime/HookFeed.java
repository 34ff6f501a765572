package org.wackamole.runtime;

import java.util.function.BooleanSupplier;
import org.wackamole.cluster.ClusterListener;
import org.wackamole.cluster.MemberStatus;
import org.wackamole.config.VipGroup;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.hooks.Hooks;
import org.wackamole.hooks.WackamoleEvent;

/**
 * The member's events as hook events. Called on the protocol thread: it builds the event, hands it
 * to {@link Hooks#publish} (which only enqueues) and takes no lock, so it can neither block nor
 * deadlock the member.
 */
final class HookFeed implements ClusterListener {
    private final WackamoleConfig config;
    private final Hooks hooks;
    private final BooleanSupplier starting;
    /** Confined to the protocol thread, which calls {@link #statusChanged} after every step. */
    private String lastState;

    HookFeed(WackamoleConfig config, Hooks hooks, BooleanSupplier starting) {
        this.config = config;
        this.hooks = hooks;
        this.starting = starting;
    }

    @Override
    public void acquired(String group) {
        VipGroup g = config.group(group);
        if (g != null) {
            hooks.publish(WackamoleEvent.acquired(config.cluster(), config.node(), g));
        }
    }

    @Override
    public void released(String group) {
        VipGroup g = config.group(group);
        if (g != null) {
            hooks.publish(WackamoleEvent.released(config.cluster(), config.node(), g));
        }
    }

    /** Only changes: the member publishes a status after every protocol step, mostly with the same state. */
    @Override
    public void statusChanged(MemberStatus status) {
        String state = MemberManagement.visibleState(status.state(), starting.getAsBoolean()).name();
        if (!state.equals(lastState)) {
            hooks.publish(WackamoleEvent.stateChanged(config.cluster(), config.node(), lastState, state));
            lastState = state;
        }
    }

    @Override
    public void conflict(String group, String address, String mac, String member) {
        VipGroup g = config.group(group);
        if (g != null) {
            hooks.publish(WackamoleEvent.conflict(config.cluster(), config.node(), g, address, mac, member));
        }
    }
}
