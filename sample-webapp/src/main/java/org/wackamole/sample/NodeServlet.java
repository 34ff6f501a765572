package org.wackamole.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.wackamole.management.WackamoleMXBean;

/**
 * Tells a client which member answered: the node name of the Wackamole member running in this JVM,
 * read through its management interface so that it works on any servlet container.
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
        for (WackamoleMXBean member : Members.all()) {
            try {
                String node = member.getNode();
                if (node != null) {
                    return node;
                }
            } catch (RuntimeException e) {
                // unregistered meanwhile (the server is stopping): try the next, then the fallback
            }
        }
        String property = System.getProperty("wackamole.node");
        return property != null ? property : System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
}
