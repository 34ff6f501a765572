package org.wackamole.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A small status page: who answered, its state, the VIPs it holds and the whole allocation, read
 * from the member's MBean through the platform MBeanServer (so it works on any container).
 */
public class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Wackamole</title>"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em 1em;text-align:left}"
                + ".here{font-weight:bold}</style></head><body>");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName("org.wackamole:type=wackamole,*"), null);
            if (names.isEmpty()) {
                out.println("<h1>" + escape(NodeServlet.nodeName()) + "</h1><p>No Wackamole member runs in this server"
                        + " (or JMX is not enabled).</p>");
            }
            for (ObjectName name : names) {
                String node = String.valueOf(server.getAttribute(name, "Node"));
                out.println("<h1>" + escape(node) + "</h1>");
                out.println("<p>State: <b>" + escape(String.valueOf(server.getAttribute(name, "State"))) + "</b>"
                        + " &middot; cluster " + escape(String.valueOf(server.getAttribute(name, "Cluster")))
                        + " &middot; members " + escape(String.join(", ", (String[]) server.getAttribute(name, "Members")))
                        + "</p>");
                out.println("<p>VIPs held here: " + escape(String.join(", ", (String[]) server.getAttribute(name, "HeldVips"))) + "</p>");
                out.println("<table><tr><th>VIP</th><th>held by</th></tr>");
                for (String entry : (String[]) server.getAttribute(name, "Allocation")) {
                    int eq = entry.lastIndexOf('=');
                    String owner = entry.substring(eq + 1);
                    out.println("<tr" + (owner.equals(node) ? " class=\"here\"" : "") + "><td>" + escape(entry.substring(0, eq))
                            + "</td><td>" + escape(owner.isEmpty() ? "(nobody)" : owner) + "</td></tr>");
                }
                out.println("</table>");
            }
        } catch (Exception e) {
            out.println("<p>Cannot read the Wackamole MBean: " + escape(e.toString()) + "</p>");
        }
        out.println("</body></html>");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
