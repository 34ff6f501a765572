package org.wackamole.tools;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;

/**
 * The Wackamole members reached through JMX: in local JVMs by process id (Attach API; the JVM's
 * local management agent is started when it runs none), or remote ones by {@code host:port} or a
 * JMX service URL. Only the {@link WackamoleMXBean} interface is used.
 */
final class Members implements AutoCloseable {
    /** Why nothing could be reached; the message is for the operator. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    private final List<JMXConnector> connectors = new ArrayList<>();
    private final Map<String, WackamoleMXBean> byNode = new LinkedHashMap<>();

    static Members connect(List<Long> pids, List<String> jmx) throws Unreachable {
        if (pids.isEmpty() && jmx.isEmpty()) {
            throw new Unreachable("say which member: --pid PID (a local JVM) or --jmx host:port" + localJvms());
        }
        Members m = new Members();
        try {
            for (long pid : pids) {
                m.add("process " + pid, m.open(localAgent(pid)));
            }
            for (String target : jmx) {
                m.add(target, m.open(serviceUrl(target)));
            }
        } catch (Unreachable | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** Reached members by node name, in the order found. */
    Map<String, WackamoleMXBean> byNode() {
        return byNode;
    }

    /** The one member meant: {@code node} if given, else the only one reached. */
    WackamoleMXBean one(String node) throws Unreachable {
        if (node != null) {
            WackamoleMXBean m = byNode.get(node);
            if (m == null) {
                throw new Unreachable("unknown node '" + node + "' (reached: " + String.join(", ", byNode.keySet()) + ")");
            }
            return m;
        }
        if (byNode.size() > 1) {
            throw new Unreachable("several members reached (" + String.join(", ", byNode.keySet()) + "): say which with --node");
        }
        return byNode.values().iterator().next();
    }

    private void add(String where, MBeanServerConnection server) throws Unreachable {
        Set<ObjectName> names;
        try {
            names = WackamoleMBeans.find(server);
        } catch (IOException e) {
            throw new Unreachable(where + ": " + e.getMessage());
        }
        if (names.isEmpty()) {
            throw new Unreachable(where + " is not a Wackamole JVM (no " + WackamoleMBeans.PATTERN + " MBean)");
        }
        for (ObjectName name : names) {
            WackamoleMXBean member = WackamoleMBeans.proxy(server, name);
            byNode.putIfAbsent(member.getNode(), member);
        }
    }

    private MBeanServerConnection open(JMXServiceURL url) throws Unreachable {
        try {
            JMXConnector c = JMXConnectorFactory.connect(url);
            connectors.add(c);
            return c.getMBeanServerConnection();
        } catch (IOException | SecurityException e) {
            throw new Unreachable("cannot connect to " + url + ": " + rootMessage(e));
        }
    }

    private static JMXServiceURL localAgent(long pid) throws Unreachable {
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new Unreachable("no such process: " + pid);
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new Unreachable("cannot attach to process " + pid + ": " + rootMessage(e)
                    + " (it must be a Java process of the same user as wackatrl)");
        }
        try {
            // Returns the running agent's address, or starts one (local connections only).
            return new JMXServiceURL(vm.startLocalManagementAgent());
        } catch (IOException e) {
            throw new Unreachable("process " + pid + " did not start its management agent: " + rootMessage(e));
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the connection to the agent is all we need
            }
        }
    }

    static JMXServiceURL serviceUrl(String target) throws Unreachable {
        String url = target.startsWith("service:jmx:") ? target : "service:jmx:rmi:///jndi/rmi://" + target + "/jmxrmi";
        if (!target.startsWith("service:jmx:") && !target.matches(".+:\\d{1,5}")) {
            throw new Unreachable("--jmx " + target + ": write host:port or a service:jmx: URL");
        }
        try {
            return new JMXServiceURL(url);
        } catch (MalformedURLException e) {
            throw new Unreachable("--jmx " + target + ": " + e.getMessage());
        }
    }

    private static String localJvms() {
        List<String> jvms = new ArrayList<>();
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (!d.id().equals(Long.toString(ProcessHandle.current().pid()))) {
                jvms.add(d.id() + " " + d.displayName());
            }
        }
        return jvms.isEmpty() ? "" : "; local JVMs of this user:\n  " + String.join("\n  ", jvms);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        for (JMXConnector c : connectors) {
            try {
                c.close();
            } catch (IOException e) {
                // closing a dead connection
            }
        }
    }
}
