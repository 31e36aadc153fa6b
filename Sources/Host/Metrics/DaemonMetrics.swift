public import Prometheus
import CoreMetrics
import Metrics

/// The daemon's metrics, recorded through swift-metrics and exposed by a Prometheus registry
/// at `/metrics`. Names follow the Orchestrator fork's where it has one.
public enum DaemonMetrics {
    /// Installs the Prometheus backend for the whole process (once, at start-up) and returns
    /// the registry that `/metrics` renders.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[probeDurationName] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        // Created now, so that every series is on /metrics from the start (at zero).
        probes.increment(by: 0)
        probeErrors.increment(by: 0)
        topology(instances: 0, clusters: 0)
        return registry
    }

    static func probed(seconds: Double, failed: Bool) {
        probes.increment()
        if failed { probeErrors.increment() }
        probeDuration.recordSeconds(seconds)
    }

    static func topology(instances count: Int, clusters clusterCount: Int) {
        instances.record(count)
        clusters.record(clusterCount)
    }

    static let probeDurationName = "orchestrator_probe_duration_seconds"
    static let probes = Counter(label: "orchestrator_discoveries_total")
    static let probeErrors = Counter(label: "orchestrator_discovery_errors_total")
    static let probeDuration = Timer(label: probeDurationName)
    static let instances = Gauge(label: "orchestrator_instances_total")
    static let clusters = Gauge(label: "orchestrator_clusters_total")
}
