package org.wackamole.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /slow?ms=N} answers the member's name after N milliseconds (at most 30 s): a request
 * that is still in flight when the server is told to stop, to show that a graceful stop lets it finish.
 */
public class SlowServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final long MAX_MS = 30_000;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long ms;
        try {
            ms = Math.min(MAX_MS, Math.max(0, Long.parseLong(request.getParameter("ms"))));
        } catch (NumberFormatException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "ms: a number of milliseconds, e.g. /slow?ms=2000");
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "interrupted");
            return;
        }
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().println(NodeServlet.nodeName());
    }
}
