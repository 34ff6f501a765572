package org.wackamole.it;

import java.util.HashMap;
import java.util.Map;
import org.jgroups.JChannel;
import org.wackamole.cluster.JGroupsStacks;
import org.wackamole.config.WackamoleConfig;

/**
 * A bare JGroups channel on the farm's stack with the farm key, built by the plugin's own {@link JGroupsStacks}:
 * it joins the view, answers heartbeats and never says a word of Wackamole's protocol, as a member with a hung
 * protocol thread, a member of another wire version, or a stray tool with the key look to the farm. Run as its own
 * JVM in a host's namespace by {@link JettyFarm#startBareChannel}; it runs until killed.
 *
 * <p>Arguments: cluster, name, bind address, stack, then {@code wackamole.security.*=value} lines.
 */
public final class BareChannel {
    static final String CONNECTED = "bare channel connected";

    private BareChannel() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("wackamole.cluster", args[0]);
        settings.put("wackamole.node", args[1]);
        settings.put("wackamole.jgroups.bindAddress", args[2]);
        settings.put("wackamole.jgroups.config", args[3]);
        settings.put("wackamole.vips", "veth0:198.51.100.250"); // required by the model, never used: nothing is held
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        WackamoleConfig config = WackamoleConfig.parse(settings, () -> args[1]);
        JChannel channel = JGroupsStacks.fromConfig(config).create();
        channel.name(args[1]);
        channel.connect(config.cluster());
        System.out.println(CONNECTED + " as " + channel.getAddress() + " in " + channel.getView());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
