package org.wackamole.it;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.wackamole.runtime.Scheduler;
import org.wackamole.runtime.WackamoleRuntime;

/**
 * The plugin's runtime in a plain JVM, without a server: what a Jetty or Tomcat adapter does (start, serving, stop on
 * SIGTERM), for a host of the farm that needs no web server, such as an intruder. Arguments: {@code key=value}
 * settings. Runs until killed.
 */
public final class RuntimeMain {
    private RuntimeMain() {
    }

    public static void main(String[] args) throws Exception {
        WackamoleRuntime runtime = new WackamoleRuntime();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            runtime.set(arg.substring(0, eq), arg.substring(eq + 1));
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.stopping();
            runtime.stop();
        }, "runtime-stop"));
        runtime.start(Scheduler.of(timer), List.of());
        runtime.serving();
        System.out.println("RuntimeMain: started");
        Thread.currentThread().join(); // until killed
    }
}
