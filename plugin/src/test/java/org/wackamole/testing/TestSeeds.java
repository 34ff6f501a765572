package org.wackamole.testing;

import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every random test input comes from. {@code mvn -B verify} (CI) must give the same verdict on
 * every run, so by default each test draws from a fixed seed; random exploration is asked for
 * explicitly with {@code -Dwackamole.explore=true}, and then every seed is fresh and logged so that
 * a failure can be replayed with the test's own seed property.
 */
public final class TestSeeds {
    /** System property: {@code true} draws fresh seeds (exploration); anything else keeps them fixed. */
    public static final String EXPLORE = "wackamole.explore";

    private static final Logger LOG = LoggerFactory.getLogger(TestSeeds.class);

    private TestSeeds() {
    }

    public static boolean exploring() {
        return Boolean.getBoolean(EXPLORE);
    }

    /**
     * The seed named by system property {@code key} when given (replay), else a fresh one when
     * exploring, else {@code fixed}.
     */
    public static long seed(String key, long fixed) {
        Long given = Long.getLong(key);
        long seed;
        String origin;
        if (given != null) {
            seed = given;
            origin = "given";
        } else if (exploring()) {
            seed = ThreadLocalRandom.current().nextLong();
            origin = "random";
        } else {
            seed = fixed;
            origin = "fixed";
        }
        LOG.info("{} = {} ({}; replay with -D{}={})", key, seed, origin, key, seed);
        return seed;
    }
}
