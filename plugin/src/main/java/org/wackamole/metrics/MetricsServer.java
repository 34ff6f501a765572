package org.wackamole.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wackamole.config.ConfigException;
import org.wackamole.config.Setting;
import org.wackamole.config.WackamoleConfig;
import org.wackamole.management.WackamoleMXBean;

/**
 * {@code GET /metrics} in Prometheus' text format, on the JDK's own HTTP server: no connector of the
 * servlet container, so it works the same under Jetty and Tomcat, on an address of its own (a
 * management interface, or loopback), and answers while the server's connectors are busy or stopping.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code wackamole.metrics.address} and serves the member's figures.
     *
     * @throws ConfigException naming {@code wackamole.metrics.address} when it cannot listen there
     */
    public static MetricsServer start(WackamoleConfig config, WackamoleMXBean member) {
        InetSocketAddress address = config.metricsAddress();
        String node = config.node();
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new ConfigException(Setting.METRICS_ADDRESS.key(), config.settings().get(Setting.METRICS_ADDRESS.key()),
                    "cannot listen there: " + e.getMessage());
        }
        // One thread: a scrape takes well under a millisecond, and a flood of requests must not cost threads.
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wackamole-metrics-" + node);
            t.setDaemon(true);
            return t;
        });
        MetricsServer s = new MetricsServer(http, executor);
        s.registry.register(new WackamoleCollector(member));
        http.setExecutor(executor);
        http.createContext("/metrics", s::handle);
        http.start();
        LOG.info("Prometheus metrics at http://{}/metrics", hostAndPort(http.getAddress()));
        return s;
    }

    /** Where it listens (the real port when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(4096);
            try {
                writer.write(body, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
            } catch (RuntimeException e) {
                LOG.warn("Metrics scrape failed: {}", e.toString());
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static String hostAndPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
