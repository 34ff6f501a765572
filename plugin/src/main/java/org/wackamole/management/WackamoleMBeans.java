package org.wackamole.management;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Set;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.StandardEmitterMBean;

/** Names, registration and client proxies of {@link WackamoleMXBean}. */
public final class WackamoleMBeans {
    public static final String DOMAIN = "org.wackamole";
    /** Matches every member's MBean in one MBeanServer. */
    public static final ObjectName PATTERN = name(DOMAIN + ":type=wackamole,*");

    private WackamoleMBeans() {
    }

    /** The stable name: {@code org.wackamole:type=wackamole,node=NODE} (the node quoted when it must be). */
    public static ObjectName objectName(String node) {
        boolean plain = !node.isEmpty()
                && node.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.');
        return name(DOMAIN + ":type=wackamole,node=" + (plain ? node : ObjectName.quote(node)));
    }

    /** Every member's MBean in that server (one per server process, normally). */
    public static Set<ObjectName> find(MBeanServerConnection server) throws IOException {
        return server.queryNames(PATTERN, null);
    }

    /** A typed client; it is also a {@link NotificationEmitter} for the acquire and release notifications. */
    public static WackamoleMXBean proxy(MBeanServerConnection server, ObjectName name) {
        return JMX.newMXBeanProxy(server, name, WackamoleMXBean.class, true);
    }

    /** The notifications the MBean declares. */
    public static MBeanNotificationInfo notificationInfo() {
        return new MBeanNotificationInfo(new String[] {WackamoleMXBean.NOTIFICATION_ACQUIRED, WackamoleMXBean.NOTIFICATION_RELEASED,
                WackamoleMXBean.NOTIFICATION_CONFLICT},
                Notification.class.getName(), "A VIP group was acquired or released by this member, or another host answers for it");
    }

    /**
     * Registers the member under its stable name; closing the result unregisters it.
     *
     * @param emitter sends the notifications (its {@link NotificationEmitter#getNotificationInfo()} is declared)
     * @throws InstanceAlreadyExistsException when a member of that name is registered already
     */
    public static Registration register(MBeanServer server, String node, WackamoleMXBean member, NotificationEmitter emitter)
            throws JMException {
        ObjectName name = objectName(node);
        server.registerMBean(new Described(member, emitter), name);
        return new Registration(server, name);
    }

    /** An MBean in a server until closed. */
    public static final class Registration implements AutoCloseable {
        private final MBeanServer server;
        private final ObjectName name;

        private Registration(MBeanServer server, ObjectName name) {
            this.server = server;
            this.name = name;
        }

        public ObjectName name() {
            return name;
        }

        @Override
        public void close() {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                // already gone: nothing to undo
            }
        }
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** The MXBean with the descriptions and parameter names of {@link Description}. */
    private static final class Described extends StandardEmitterMBean {
        Described(WackamoleMXBean member, NotificationEmitter emitter) {
            super(member, WackamoleMXBean.class, true, emitter);
        }

        @Override
        protected String getDescription(MBeanAttributeInfo info) {
            Method m = method("get" + info.getName());
            if (m == null) {
                m = method("is" + info.getName());
            }
            return describe(m, info.getDescription());
        }

        @Override
        protected String getDescription(MBeanOperationInfo info) {
            return describe(method(info.getName()), info.getDescription());
        }

        @Override
        protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
            Description d = parameter(op, sequence);
            return d != null ? d.value() : param.getDescription();
        }

        @Override
        protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
            Description d = parameter(op, sequence);
            return d != null && !d.name().isEmpty() ? d.name() : param.getName();
        }

        @Override
        protected String getDescription(javax.management.MBeanInfo info) {
            return "Wackamole: this server's share of the farm's virtual IP addresses";
        }

        private static Description parameter(MBeanOperationInfo op, int sequence) {
            Method m = method(op.getName());
            if (m == null || sequence >= m.getParameterCount()) {
                return null;
            }
            return m.getParameters()[sequence].getAnnotation(Description.class);
        }

        private static String describe(Method m, String fallback) {
            Description d = m == null ? null : m.getAnnotation(Description.class);
            return d != null ? d.value() : fallback;
        }

        private static Method method(String name) {
            for (Method m : WackamoleMXBean.class.getMethods()) {
                if (m.getName().equals(name)) {
                    return m;
                }
            }
            return null;
        }
    }
}
