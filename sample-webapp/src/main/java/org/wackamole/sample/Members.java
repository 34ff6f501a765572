package org.wackamole.sample;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.MBeanServer;
import org.wackamole.management.WackamoleMBeans;
import org.wackamole.management.WackamoleMXBean;

/** The Wackamole members of this JVM, through the management contract on the platform MBeanServer. */
final class Members {
    private Members() {
    }

    /** Empty when no member runs here, or when the server has no Wackamole plugin at all. */
    static List<WackamoleMXBean> all() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            return WackamoleMBeans.find(server).stream().sorted().map(name -> WackamoleMBeans.proxy(server, name)).toList();
        } catch (Exception | LinkageError e) {
            return List.of(); // a container without the plugin still answers, with the property or host name
        }
    }
}
