package org.wackamole.jetty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Healthy while a GET of the URL (normally on this server's own connector) answers 2xx in time. */
@ManagedObject("HTTP health check gating the VIPs")
public class HttpHealthCheck implements HealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHealthCheck.class);

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;
    private volatile String lastResult = "not checked yet";

    public HttpHealthCheck(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public boolean healthy() {
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            lastResult = "HTTP " + status;
            return status >= 200 && status < 300;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastResult = "interrupted";
            return false;
        } catch (Exception e) {
            lastResult = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.debug("Health check of {} failed", url, e);
            return false;
        }
    }

    @ManagedAttribute("The URL checked")
    public String getUrl() {
        return url.toString();
    }

    @ManagedAttribute("Outcome of the latest check")
    public String getLastResult() {
        return lastResult;
    }

    @Override
    public String describe() {
        return "GET " + url + " (" + lastResult + ")";
    }
}
