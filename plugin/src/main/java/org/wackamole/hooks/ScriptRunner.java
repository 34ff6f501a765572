package org.wackamole.hooks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one hook executable to its end or its timeout, with the event in its environment, its output
 * (stdout and stderr) line by line into the log. Blocks its caller for at most the timeout plus the
 * time to kill; the caller is a hook thread, never the protocol thread.
 */
final class ScriptRunner {
    /** Output lines longer than this are cut in the log: a script must not fill it with one line. */
    private static final int MAX_LINE = 2000;
    /** After SIGTERM, how long a timed-out hook and its children get before SIGKILL. */
    private static final long TERM_GRACE_MS = 500;
    private static final long OUTPUT_DRAIN_MS = 1000;

    enum Outcome { OK, FAILED, TIMED_OUT }

    private final Logger log;

    ScriptRunner(String loggerName) {
        this.log = LoggerFactory.getLogger(loggerName);
    }

    Outcome run(Path executable, Map<String, String> env, Duration timeout) throws InterruptedException {
        String name = executable.getFileName().toString();
        ProcessBuilder pb = new ProcessBuilder(executable.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            log.warn("Hook {} ({}) could not be started: {}", executable, env.get("WACKAMOLE_EVENT"), e.getMessage());
            return Outcome.FAILED;
        }
        try {
            p.getOutputStream().close(); // nothing to read: a hook that waits for input sees EOF at once
        } catch (IOException ignored) {
            // the process may be gone already
        }
        long pid = p.pid();
        Thread pump = new Thread(() -> pump(p, name, pid), "wackamole-hook-output-" + pid);
        pump.setDaemon(true);
        pump.start();
        boolean exited;
        try {
            exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(p); // the member is stopping and cannot wait any longer
            throw e;
        }
        if (!exited) {
            killTree(p);
            log.warn("Hook {} [{}] ({} {}) ran longer than {} ms: killed with its child processes", name, pid,
                    env.get("WACKAMOLE_EVENT"), env.getOrDefault("WACKAMOLE_VIP", env.getOrDefault("WACKAMOLE_STATE", "")),
                    timeout.toMillis());
            pump.join(OUTPUT_DRAIN_MS);
            return Outcome.TIMED_OUT;
        }
        pump.join(OUTPUT_DRAIN_MS); // a child left running in the background may hold the output open: do not wait for it
        int status = p.exitValue();
        if (status != 0) {
            log.warn("Hook {} [{}] ({} {}) exited with status {}", name, pid, env.get("WACKAMOLE_EVENT"),
                    env.getOrDefault("WACKAMOLE_VIP", env.getOrDefault("WACKAMOLE_STATE", "")), status);
            return Outcome.FAILED;
        }
        log.debug("Hook {} [{}] done", name, pid);
        return Outcome.OK;
    }

    private void pump(Process p, String name, long pid) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.info("hook {} [{}]: {}", name, pid, line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
            }
        } catch (IOException e) {
            log.debug("hook {} [{}]: output closed: {}", name, pid, e.toString());
        }
    }

    /**
     * SIGTERM to the hook and every descendant, SIGKILL to what is left after a grace period. The
     * descendants are listed before anything is signalled: once the hook dies its children are
     * re-parented and no longer found from it. (A child that detached itself into another session is
     * found all the same; one started after the listing is not.)
     */
    static void killTree(Process p) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(p.descendants().toList());
        tree.add(0, p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TERM_GRACE_MS);
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // still alive: killed below
                }
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
