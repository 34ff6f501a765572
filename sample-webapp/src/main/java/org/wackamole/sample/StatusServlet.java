package org.wackamole.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.wackamole.management.WackamoleMXBean;

/**
 * A small status page: who answered, its state, the VIPs it holds and the whole allocation, read
 * through the member's management interface on the platform MBeanServer (so it works on any container).
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
        List<WackamoleMXBean> members = Members.all();
        if (members.isEmpty()) {
            out.println("<h1>" + escape(NodeServlet.nodeName()) + "</h1><p>No Wackamole member runs in this server.</p>");
        }
        try {
            for (WackamoleMXBean member : members) {
                String node = member.getNode();
                out.println("<h1>" + escape(node) + "</h1>");
                String[] reasons = member.getDrainReasons();
                out.println("<p>State: <b>" + escape(member.getState()) + "</b>"
                        + (reasons.length == 0 ? "" : " (" + escape(String.join(", ", reasons)) + ")")
                        + " &middot; cluster " + escape(member.getCluster())
                        + " &middot; members " + escape(String.join(", ", member.getMembers()))
                        + "</p>");
                out.println("<p>VIPs held here: " + escape(String.join(", ", member.getHeldVips())) + "</p>");
                out.println("<table><tr><th>VIP</th><th>held by</th></tr>");
                for (String entry : member.getAllocation()) {
                    int eq = entry.lastIndexOf('=');
                    String owner = entry.substring(eq + 1);
                    out.println("<tr" + (owner.equals(node) ? " class=\"here\"" : "") + "><td>" + escape(entry.substring(0, eq))
                            + "</td><td>" + escape(owner.isEmpty() ? "(nobody)" : owner) + "</td></tr>");
                }
                out.println("</table>");
            }
        } catch (RuntimeException e) {
            out.println("<p>Cannot read the Wackamole member: " + escape(e.toString()) + "</p>");
        }
        out.println("</body></html>");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
