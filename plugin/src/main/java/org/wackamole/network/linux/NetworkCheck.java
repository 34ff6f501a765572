package org.wackamole.network.linux;

import java.util.ArrayList;
import java.util.List;
import org.wackamole.config.NetworkSettings;
import org.wackamole.config.VipAddress;
import org.wackamole.config.VipGroup;
import org.wackamole.network.NetworkException;

/**
 * Tells an operator whether this process could hold VIPs: capabilities, sockets, interfaces.
 * {@code java -cp 'lib/wackamole/*' org.wackamole.network.linux.NetworkCheck eth0 [eth1 ...]};
 * exit 0 when it could, 2 with the reason when it could not. Changes nothing.
 */
public final class NetworkCheck {
    private NetworkCheck() {
    }

    public static void main(String[] args) {
        try (LinuxNetwork network = LinuxNetwork.open(NetworkSettings.oneShot())) {
            List<VipGroup> probes = new ArrayList<>();
            for (String ifname : args) {
                // Only the interface name is used: nothing is added.
                probes.add(new VipGroup(List.of(new VipAddress(ifname, java.net.InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, 1}), 32))));
            }
            network.checkInterfaces(probes);
            System.out.println("ok: this process can hold VIPs" + (args.length == 0 ? "" : " on " + String.join(", ", args)));
        } catch (NetworkException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
