package org.wackamole.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command line run by {@code /bin/sh -c} as an operator types it: in a directory, with variables, bounded in time. */
final class Sh {
    record Result(int exit, String output) {
    }

    private Sh() {
    }

    static Result run(Path dir, Map<String, String> env, Duration timeout, String line) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sh", ".log");
        try {
            ProcessBuilder b = new ProcessBuilder(List.of("/bin/sh", "-c", line)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            b.environment().remove("WACKAMOLE_SECURITY_PASSWORD");
            b.environment().putAll(env);
            Process p = b.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(line + ": did not finish in " + timeout + ":\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The README's fenced block that contains {@code marker}, as its lines. */
    static List<String> readmeBlock(String marker) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int at = readme.indexOf(marker);
        if (at < 0) {
            throw new AssertionError("README shows no " + marker);
        }
        int open = readme.lastIndexOf("```\n", at) + 4;
        int close = readme.indexOf("```\n", at);
        return List.of(readme.substring(open, close).split("\n"));
    }
}
