package org.wackamole.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.wackamole.allocation.Allocation;
import org.wackamole.allocation.AllocationRequest;
import org.wackamole.allocation.Allocator;
import org.wackamole.allocation.Member;

/**
 * One full allocation of 10,000 groups over 256 members: from scratch (nothing held), and after one
 * member of a balanced farm left (its groups must be covered, nothing else moves). Each member
 * prefers one group, as in a typical Wackamole farm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AllocationBenchmark {
    @Param("10000")
    int groups;
    @Param("256")
    int members;

    private AllocationRequest fromScratch;
    private AllocationRequest afterLeave;

    @Setup
    public void setUp() {
        List<String> pool = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            pool.add("198.51." + (g / 250) + "." + (g % 250));
        }
        List<Member> view = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            view.add(new Member("node-" + i, 1, true, Set.of(pool.get(i))));
        }
        fromScratch = new AllocationRequest(view, pool, Map.of(), AllocationRequest.ALL);

        Allocation balanced = Allocator.allocate(fromScratch);
        Map<String, Set<String>> claims = new LinkedHashMap<>();
        for (Member m : view) {
            claims.put(m.name(), balanced.groupsOf(m.name()));
        }
        List<Member> survivors = new ArrayList<>(view);
        survivors.remove(members / 2);
        afterLeave = new AllocationRequest(survivors, pool, claims, AllocationRequest.ALL);
    }

    @Benchmark
    public Allocation fromScratch() {
        return Allocator.allocate(fromScratch);
    }

    @Benchmark
    public Allocation afterOneMemberLeft() {
        return Allocator.allocate(afterLeave);
    }
}
