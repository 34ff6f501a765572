package org.wackamole.it.outside;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.wackamole.it.JettyFarm;
import org.wackamole.it.outside.FaultInjector.Outcome;

/**
 * A farm on one JGroups stack with every observer running, shared by the faults of one test class
 * (each fault starts from a settled farm and leaves it settled, or the next one restarts it). Root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FarmFaults {
    private JettyFarm farm;
    private Observers observers;
    private FaultInjector injector;

    /** The stack file every host uses. */
    abstract String stack();

    /** Settings every host gets on top of the farm's (none: the defaults, e.g. {@code wackamole.partition=all}). */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeAll
    void startFarm() throws Exception {
        String why = JettyFarm.whyUnavailable();
        assumeTrue(why == null, why);
        farm = new JettyFarm(Files.createTempDirectory("wackamole-faults"), stack(), Set.of(), settings());
        for (String h : JettyFarm.HOSTS) {
            farm.start(h);
        }
        observers = new Observers(farm, Duration.ofMinutes(30));
        injector = new FaultInjector(farm, observers, stack(), settings().getOrDefault("wackamole.partition", "all"));
    }

    @AfterAll
    void stopFarm() {
        if (observers != null) {
            observers.close();
        }
        if (farm != null) {
            farm.close();
        }
    }

    /**
     * Runs the fault and returns its outcome, printed for the report whatever the verdict. When it
     * misses a target (or always, with {@code -Dwackamole.fault.logs=true}), every host's server log
     * is kept in {@code target/fault-logs} (the farm's own directory goes with the farm): the
     * diagnosis needs them.
     */
    Outcome inflict(FaultPlan plan) throws Exception {
        Outcome o = injector.run(plan);
        System.out.println(o);
        if (!Targets.misses(o).isEmpty() || Boolean.getBoolean("wackamole.fault.logs")) {
            Path dir = Path.of("target", "fault-logs");
            Files.createDirectories(dir);
            String name = (o.stack() + "-" + plan).replaceAll("[^A-Za-z0-9.-]+", "_") + "-" + System.currentTimeMillis();
            for (String h : JettyFarm.HOSTS) {
                Files.writeString(dir.resolve(name + "-" + h + ".log"), farm.log(h));
            }
            System.out.println("server logs kept in " + dir.toAbsolutePath() + "/" + name + "-*.log");
        }
        return o;
    }

    /** Asserts every target of issue 9 that applies to the fault. */
    static void assertTargets(Outcome o) {
        List<String> misses = Targets.misses(o);
        if (!misses.isEmpty()) {
            throw new AssertionError(o.stack() + " " + o.plan() + " missed " + misses + "\n" + o);
        }
    }
}
