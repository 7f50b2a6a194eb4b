import CoreMetrics
import Hearth
import Prometheus

/// The process's metrics, bootstrapped here and only here (swift-metrics'
/// `MetricsSystem` may be bootstrapped once per process; the library never
/// does it, so tests can run many servers, each with a registry of its own).
enum MetricsBootstrap {
    /// One Prometheus registry for the life of the process, behind
    /// swift-metrics; the `Monitoring` that counts into it.
    static func start() -> Monitoring {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(Monitoring.prometheusFactory(registry: registry))
        return Monitoring(registry: registry, factory: MetricsSystem.factory)
    }
}
