package import Prometheus
import CoreMetrics
import Metrics

/// The daemon's metrics, recorded through swift-metrics and exposed by a Prometheus registry
/// at `/metrics`. Names follow the Orchestrator fork's where it has one.
package enum DaemonMetrics {
    /// Installs the Prometheus backend for the whole process (once, at start-up) and returns
    /// the registry that `/metrics` renders.
    package static func bootstrap() -> PrometheusCollectorRegistry {
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

extension DaemonMetrics {
    /// `orchestrator_analysis_entries{code}`: entries of the last analysis pass per code.
    static func analysis(_ entries: [AnalysisEntry]) {
        var counts: [AnalysisCode: Int] = [:]
        for entry in entries { counts[entry.code, default: 0] += 1 }
        for code in AnalysisCode.allCases where code != .noProblem {
            Gauge(label: "orchestrator_analysis_entries", dimensions: [("code", code.rawValue)]).record(counts[code] ?? 0)
        }
    }

    /// `orchestrator_recoveries_total{type,result}` and `orchestrator_recovery_duration_seconds{type}`.
    static func recovered(type: String, result: String, seconds: Double) {
        Counter(label: "orchestrator_recoveries_total", dimensions: [("type", type), ("result", result)]).increment()
        Timer(label: "orchestrator_recovery_duration_seconds", dimensions: [("type", type)]).recordSeconds(seconds)
    }
}
