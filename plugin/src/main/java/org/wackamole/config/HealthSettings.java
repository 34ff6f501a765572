package org.wackamole.config;

import java.net.URI;
import java.time.Duration;

/**
 * The optional HTTP health check.
 *
 * @param url       checked with GET; null when no check is configured
 * @param interval  time between checks, also each check's timeout
 * @param threshold failures in a row before the member drains
 */
public record HealthSettings(URI url, Duration interval, int threshold) {
}
