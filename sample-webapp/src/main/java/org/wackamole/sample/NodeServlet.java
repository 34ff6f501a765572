package org.wackamole.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Tells a client which member answered: the node name of the Wackamole member running in this JVM,
 * read from its MBean through the platform MBeanServer so that it works on any servlet container.
 */
public class NodeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().println(nodeName());
    }

    static String nodeName() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName("org.wackamole:type=wackamole,*"), null);
            for (ObjectName name : names) {
                Object node = server.getAttribute(name, "Node");
                if (node != null) {
                    return node.toString();
                }
            }
        } catch (Exception e) {
            // fall through: a container without the plugin still answers, with the property or host name
        }
        String property = System.getProperty("wackamole.node");
        return property != null ? property : System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
}
