package org.wackamole.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The health endpoint of one farm host ({@code wackamole.health.url=http://127.0.0.1:PORT/health}),
 * served in the host's namespace, answering 200 or 503 as the test says: a backend failing its
 * health check, and recovering.
 */
final class HealthSwitch implements AutoCloseable {
    static final int PORT = 8090;
    static final String URL = "http://127.0.0.1:" + PORT + "/health";

    private final HttpServer server;
    private volatile boolean healthy = true;

    private HealthSwitch(HttpServer server) {
        this.server = server;
    }

    /** Opens the endpoint in the host's namespace (threads it starts there stay there). */
    static HealthSwitch open(JettyFarm farm, String host) throws Exception {
        return farm.network().inNamespace(host, () -> {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 16);
            HealthSwitch sw = new HealthSwitch(s);
            s.createContext("/health", exchange -> {
                byte[] body = (sw.healthy ? "ok\n" : "failing\n").getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(sw.healthy ? 200 : 503, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            s.start();
            return sw;
        });
    }

    void healthy(boolean ok) {
        healthy = ok;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
