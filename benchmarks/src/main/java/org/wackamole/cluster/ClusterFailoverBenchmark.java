package org.wackamole.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.wackamole.network.NetworkLog;

/**
 * 64 members in one JVM (real JGroups over SHARED_LOOPBACK, recording networks) share 1,024 VIP
 * groups; members are crashed one at a time and we report the time from the first new view
 * to the last address change of the settled, balanced allocation that follows.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Dmain=org.wackamole.cluster.ClusterFailoverBenchmark -Dbench=10}
 */
public final class ClusterFailoverBenchmark {
    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 10;
        int members = 64;
        int groups = 1024;
        try (InJvmFarm farm = new InJvmFarm(groups)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < members; i++) {
                farm.start(String.format("m%02d", i));
            }
            farm.awaitSettled(Duration.ofMinutes(3));
            System.out.printf(Locale.ROOT, "%d members, %d groups settled after %.1f s%n",
                    members, groups, (System.nanoTime() - t0) / 1e9);

            List<Double> millis = new ArrayList<>();
            for (int k = 0; k < kills; k++) {
                List<InJvmFarm.Node> live = farm.live();
                String victim = live.get((k * 7 + 3) % live.size()).name;
                int mark = farm.log.size();
                farm.kill(victim);
                farm.awaitSettled(Duration.ofSeconds(60));
                List<NetworkLog.Event> after = farm.log.events().subList(mark, farm.log.size());
                long firstView = after.stream().filter(e -> e.kind() == NetworkLog.Kind.VIEW && !e.member().equals(victim))
                        .mapToLong(NetworkLog.Event::nanos).min().orElseThrow();
                // The survivors' changes: the killed host's addresses go 1 s later, by the farm's clean-up.
                long lastChange = after.stream().filter(e -> (e.kind() == NetworkLog.Kind.ACQUIRE || e.kind() == NetworkLog.Kind.RELEASE)
                                && !e.member().equals(victim))
                        .mapToLong(NetworkLog.Event::nanos).max().orElseThrow();
                double ms = (lastChange - firstView) / 1e6;
                millis.add(ms);
                System.out.printf(Locale.ROOT, "kill %s (%d left): view -> settled in %.1f ms%n", victim, live.size() - 1, ms);
            }
            Collections.sort(millis);
            System.out.printf(Locale.ROOT, "view -> settled over %d kills: median %.1f ms, max %.1f ms%n",
                    kills, millis.get(millis.size() / 2), millis.get(millis.size() - 1));
        }
        System.exit(0);
    }
}
