package org.wackamole.hooks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Registered in the test class path's {@code META-INF/services}, so every runtime started by a test
 * finds it through {@code ServiceLoader} as a deployed listener would be found. It keeps the events
 * of clusters whose name starts with {@code hooks-} (this package's tests), a bounded number each.
 */
public final class RecordingListener implements WackamoleListener {
    private static final int MAX_PER_CLUSTER = 1000;
    static final Map<String, List<WackamoleEvent>> EVENTS = new ConcurrentHashMap<>();

    private void record(WackamoleEvent e) {
        if (e.cluster() != null && e.cluster().startsWith("hooks-")) {
            List<WackamoleEvent> list = EVENTS.computeIfAbsent(e.cluster(), k -> new CopyOnWriteArrayList<>());
            if (list.size() < MAX_PER_CLUSTER) {
                list.add(e);
            }
        }
    }

    static List<WackamoleEvent> of(String cluster) {
        return EVENTS.getOrDefault(cluster, List.of());
    }

    @Override
    public void acquired(WackamoleEvent event) {
        record(event);
    }

    @Override
    public void released(WackamoleEvent event) {
        record(event);
    }

    @Override
    public void stateChanged(WackamoleEvent event) {
        record(event);
    }

    @Override
    public void conflict(WackamoleEvent event) {
        record(event);
    }
}
