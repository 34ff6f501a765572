package org.wackamole.hooks;

import java.nio.file.Path;
import org.wackamole.config.HookSettings;

/**
 * The {@code wackamole.hook.*} executables as a listener: each event of a kind that has one runs it
 * with {@link HookEnvironment} and waits for it (on the hook thread) at most {@code wackamole.hook.timeout}.
 */
final class ScriptHooks implements WackamoleListener {
    private final HookSettings settings;
    private final HookCounters counters;
    private final ScriptRunner runner = new ScriptRunner("org.wackamole.hooks.script");

    ScriptHooks(HookSettings settings, HookCounters counters) {
        this.settings = settings;
        this.counters = counters;
    }

    @Override
    public void acquired(WackamoleEvent event) {
        run(settings.acquire(), event);
    }

    @Override
    public void released(WackamoleEvent event) {
        run(settings.release(), event);
    }

    @Override
    public void stateChanged(WackamoleEvent event) {
        run(settings.state(), event);
    }

    private void run(Path executable, WackamoleEvent event) {
        if (executable == null) {
            return;
        }
        counters.ran();
        ScriptRunner.Outcome outcome;
        try {
            outcome = runner.run(executable, HookEnvironment.of(event), settings.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            counters.failed();
            return;
        }
        switch (outcome) {
            case FAILED -> counters.failed();
            case TIMED_OUT -> counters.timedOut();
            case OK -> {
            }
        }
    }

    @Override
    public String toString() {
        return "the wackamole.hook.* executables";
    }
}
