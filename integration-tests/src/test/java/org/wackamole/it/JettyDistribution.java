package org.wackamole.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A stock jetty-home (unpacked by the build from Maven Central) and a fresh jetty-base with our
 * overlay and the sample WAR, driven through start.jar exactly as an operator would.
 */
final class JettyDistribution implements AutoCloseable {
    final Path home = Path.of(System.getProperty("jetty.home"));
    final Path base;
    private final List<Process> running = new ArrayList<>();

    JettyDistribution(Path base) throws IOException {
        this.base = base;
        copyTree(Path.of(System.getProperty("wackamole.overlay")), base);
    }

    void installWar() throws IOException {
        Files.createDirectories(base.resolve("webapps"));
        Files.copy(Path.of(System.getProperty("wackamole.war")), base.resolve("webapps/wackamole-sample.war"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Runs start.jar with the arguments to completion and returns its output. */
    Result startJar(Duration timeout, String... args) throws Exception {
        Path out = Files.createTempFile("startjar", ".log");
        Process p = process(out, args);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("start.jar " + String.join(" ", args) + " did not finish: " + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), text);
    }

    /** Starts the server in the background; its output goes to {@code log}. */
    Process launch(Path log, String... args) throws IOException {
        Process p = process(log, args);
        running.add(p);
        return p;
    }

    private Process process(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    void appendIni(String module, String... lines) throws IOException {
        Path ini = base.resolve("start.d/" + module + ".ini");
        Files.writeString(ini, Files.readString(ini) + "\n" + String.join("\n", lines) + "\n");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    record Result(int exit, String output) {
    }

    @Override
    public void close() throws Exception {
        for (Process p : running) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
