package org.wackamole.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A stock Tomcat 11 (unpacked by the build from Maven Central) as CATALINA_HOME, and a fresh
 * CATALINA_BASE holding its conf/, our bundle untarred over it and the sample WAR, run with
 * {@code bin/catalina.sh run} exactly as an operator would.
 */
final class TomcatDistribution implements AutoCloseable {
    static final String LISTENER = "org.wackamole.tomcat.WackamoleLifecycleListener";

    final Path home = Path.of(System.getProperty("tomcat.home"));
    final Path base;
    private final List<Process> running = new ArrayList<>();

    TomcatDistribution(Path base) throws IOException {
        this.base = base;
        copyTree(home.resolve("conf"), base.resolve("conf"));
        copyTree(Path.of(System.getProperty("wackamole.tomcat.bundle")), base); // tar xzf wackamole-…-tomcat.tar.gz
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
    }

    void installWar() throws IOException {
        Files.copy(Path.of(System.getProperty("wackamole.war")), base.resolve("webapps/wackamole-sample.war"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** As {@link #configure(int, String, int, Map)} with no shutdown port. */
    void configure(int port, String address, Map<String, String> attributes) throws IOException {
        configure(port, address, -1, attributes);
    }

    /**
     * Edits conf/server.xml: the listener inside {@code <Server>} with these attributes, the HTTP
     * connector on {@code port} (and {@code address} unless null), the shutdown port (on localhost,
     * as shipped) on {@code shutdownPort}, or none when it is -1.
     */
    void configure(int port, String address, int shutdownPort, Map<String, String> attributes) throws IOException {
        Path xml = base.resolve("conf/server.xml");
        String text = Files.readString(xml);
        StringBuilder listener = new StringBuilder("\n  <Listener className=\"" + LISTENER + "\"");
        attributes.forEach((k, v) -> listener.append("\n            ").append(k).append("=\"").append(v).append('"'));
        listener.append(" />");
        String anchor = "<Listener className=\"org.apache.catalina.startup.VersionLoggerListener\" />";
        text = replaceOnce(text, anchor, anchor + listener);
        text = replaceOnce(text, "<Server port=\"8005\"", "<Server port=\"" + shutdownPort + "\"");
        text = replaceOnce(text, "<Connector port=\"8080\"", "<Connector port=\"" + port + "\""
                + (address == null ? "" : " address=\"" + address + "\""));
        Files.writeString(xml, text);
    }

    /** Starts {@code bin/catalina.sh run} (it execs java: a signal to the process reaches Tomcat). */
    Process launch(Path log, String catalinaOpts, String... wrapper) throws IOException {
        Process p = script("catalina.sh", List.of("run"), log, catalinaOpts, wrapper);
        running.add(p);
        return p;
    }

    /**
     * Runs {@code bin/shutdown.sh} (it sends SHUTDOWN to the shutdown port of conf/server.xml, so
     * {@code wrapper} must put it in the server's namespace) and waits for it; its exit status.
     */
    int shutdown(Path log, String... wrapper) throws IOException, InterruptedException {
        Process p = script("shutdown.sh", List.of(), log, "", wrapper);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException("bin/shutdown.sh did not finish in 60 s: " + Files.readString(log));
        }
        return p.exitValue();
    }

    private Process script(String name, List<String> args, Path log, String catalinaOpts, String... wrapper) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(wrapper));
        cmd.addAll(List.of("/bin/bash", home.resolve("bin").resolve(name).toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", base.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CATALINA_OPTS", catalinaOpts);
        env.remove("JAVA_OPTS");
        env.remove("CATALINA_PID");
        return pb.start();
    }

    @Override
    public void close() throws Exception {
        for (Process p : running) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        if (at < 0) {
            throw new IllegalStateException("conf/server.xml of the distribution has no " + what);
        }
        return text.substring(0, at) + with + text.substring(at + what.length());
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
