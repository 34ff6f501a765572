package org.wackamole.it;

import com.sun.tools.attach.VirtualMachine;
import java.util.Set;
import java.util.function.Consumer;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;

/**
 * An operator steering one farm member over JMX, through {@link WackamoleMXBean} only, as
 * {@code wackatrl --pid} does: attaches to the host's JVM, starts (or finds) its local management
 * agent and calls the MXBean from inside the host's namespace (the agent listens on the host's loopback).
 */
final class FarmOperator {
    private FarmOperator() {
    }

    /** Runs {@code action} on the member of {@code host}; returns once the operation returned. */
    static void on(JettyFarm farm, String host, Consumer<WackamoleMXBean> action) throws Exception {
        long pid = farm.pid(host);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXServiceURL url = new JMXServiceURL(address);
        farm.network().inNamespace(host, () -> {
            try (JMXConnector c = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection server = c.getMBeanServerConnection();
                Set<ObjectName> names = WackamoleMBeans.find(server);
                if (names.size() != 1) {
                    throw new IllegalStateException(host + " has " + names.size() + " Wackamole MBeans: " + names);
                }
                action.accept(WackamoleMBeans.proxy(server, names.iterator().next()));
            }
            return null;
        });
    }
}
