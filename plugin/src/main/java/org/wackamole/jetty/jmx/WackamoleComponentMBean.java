package org.wackamole.jetty.jmx;

import javax.management.ListenerNotFoundException;
import javax.management.MBeanNotificationInfo;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import org.eclipse.jetty.jmx.ObjectMBean;
import org.wackamole.jetty.WackamoleComponent;

/**
 * Found by Jetty's MBeanContainer by naming convention: gives the member a stable name
 * ({@code org.wackamole:type=wackamole,node=NODE}, not Jetty's hash-based one) and emits its
 * acquire/release notifications.
 */
public class WackamoleComponentMBean extends ObjectMBean implements NotificationEmitter {
    public WackamoleComponentMBean(Object managedObject) {
        super(managedObject);
    }

    private WackamoleComponent component() {
        return (WackamoleComponent) getManagedObject();
    }

    @Override
    public ObjectName getObjectName() {
        try {
            return new ObjectName(component().getObjectNameText());
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void addNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback) {
        component().getNotifications().addNotificationListener(listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener) throws ListenerNotFoundException {
        component().getNotifications().removeNotificationListener(listener);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback)
            throws ListenerNotFoundException {
        component().getNotifications().removeNotificationListener(listener, filter, handback);
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
        return component().getNotifications().getNotificationInfo();
    }
}
