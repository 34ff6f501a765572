package org.wackamole.it.outside;

import java.io.IOException;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIXFactory;
import org.wackamole.network.linux.LibC;

/** A daemon thread that enters a network namespace before it runs: sockets it opens belong there. */
final class InNamespace {
    private InNamespace() {
    }

    interface Body {
        void run() throws Exception;
    }

    static Thread start(String namespace, String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                enter(namespace);
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                System.err.println(name + " stopped: " + e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void enter(String namespace) throws IOException {
        int fd = POSIXFactory.getPOSIX().open("/var/run/netns/" + namespace, OpenFlags.O_RDONLY.intValue(), 0);
        if (fd < 0) {
            throw new IOException("cannot open namespace " + namespace);
        }
        try {
            if (LibC.get().setns(fd, LibC.CLONE_NEWNET) != 0) {
                throw new IOException("setns " + namespace + ": " + LibC.describe(LibC.errno()));
            }
        } finally {
            POSIXFactory.getPOSIX().close(fd);
        }
    }
}
