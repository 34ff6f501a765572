package org.wackamole.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Healthy while a GET of the URL (normally on this server's own connector) answers 2xx in time. */
public final class HttpHealthCheck implements HealthCheck {
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
    public CompletableFuture<Boolean> check() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            if (failure != null) {
                lastResult = failure.getClass().getSimpleName() + ": " + failure.getMessage();
                LOG.debug("Health check of {} failed", url, failure);
                return false;
            }
            int status = response.statusCode();
            lastResult = "HTTP " + status;
            return status >= 200 && status < 300;
        });
    }

    @Override
    public String describe() {
        return "GET " + url + " (" + lastResult + ")";
    }
}
