package org.wackamole.it.outside;

import java.util.List;
import java.util.Random;
import org.wackamole.it.JettyFarm;

/**
 * One fault to inflict: its class, the host it hits, and its one parameter (a pause's length, how
 * long a loss or partition lasts, how many flaps or restarts). Drawn from a seeded {@link Random},
 * so a sequence is reproduced from its seed.
 */
public record FaultPlan(Kind kind, String host, int amount) {

    public enum Kind {
        /** SIGSTOP for {@code amount} ms, then SIGCONT. */
        PAUSE,
        /** kill -9 with the host alive, then the systemd-style clean-up in its namespace. */
        KILL,
        /** Link cut, then the process killed (a dead host); it comes back {@code amount} ms later without its addresses. */
        HOST_DEATH,
        /** {@code amount} cycles of link down 300 ms / up 300 ms. */
        LINK_FLAP,
        /** 20 % loss in and out of the host for {@code amount} ms. */
        LOSS,
        /** The host alone against the other two for {@code amount} ms, then healed. */
        PARTITION,
        /** One VIP the host holds removed with {@code ip addr del}. */
        ADDRESS_DELETED,
        /** The VIP interface down for {@code amount} ms. */
        INTERFACE_DOWN,
        /** The VIP interface deleted and created again. */
        INTERFACE_RECREATED,
        /** {@code amount} graceful restarts (SIGTERM, start) in a row. */
        RESTART_STORM
    }

    public static FaultPlan random(Random rng) {
        Kind kind = Kind.values()[rng.nextInt(Kind.values().length)];
        String host = JettyFarm.HOSTS.get(rng.nextInt(JettyFarm.HOSTS.size()));
        int amount = switch (kind) {
            // 0.3 s to 10 s, log-uniform: short stalls are the common case.
            case PAUSE -> (int) Math.round(300 * Math.pow(10_000 / 300.0, rng.nextDouble()));
            case HOST_DEATH -> 500 + rng.nextInt(2000);
            case LINK_FLAP -> 3 + rng.nextInt(4);
            case LOSS, PARTITION, INTERFACE_DOWN -> 2000 + rng.nextInt(4000);
            case RESTART_STORM -> 2 + rng.nextInt(2);
            default -> 0;
        };
        return new FaultPlan(kind, host, amount);
    }

    public static List<FaultPlan> sequence(long seed, int count) {
        Random rng = new Random(seed);
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> random(rng)).toList();
    }

    /** {@code KIND:host[:amount],...}, e.g. {@code PAUSE:h1:3000,KILL:h2}. */
    public static List<FaultPlan> parse(String text) {
        return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).map(t -> {
            String[] p = t.split(":");
            return new FaultPlan(Kind.valueOf(p[0]), p[1], p.length > 2 ? Integer.parseInt(p[2]) : 0);
        }).toList();
    }

    @Override
    public String toString() {
        return kind + " " + host + (amount > 0 ? " " + amount : "");
    }
}
