import NIOHTTP1

/// Every series the admin listener's `/metrics` exports, by name, with its
/// labels: in one place so the code, docs/operations.md and the tests say
/// the same. Names follow Prometheus (base units, `_total` on counters)
/// and, for HTTP, OpenTelemetry's semantic conventions
/// (`http.server.request.duration`, `http.request.method`,
/// `http.response.status_code`). Label values are bounded: a mount's
/// prefix, a script's file, a pool's name, or a word from a fixed list;
/// never a raw path or a query.
enum MetricNames {
    // HTTP, by mount.
    static let requestDuration = "http_server_request_duration_seconds"
    static let activeRequests = "http_server_active_requests"
    static let openConnections = "hearth_open_connections"
    static let staticBytes = "hearth_static_sent_bytes_total"
    // Cold CGI runs, by mount and script.
    static let cgiStarted = "hearth_cgi_runs_started_total"
    static let cgiDuration = "hearth_cgi_run_duration_seconds"
    static let cgiCPU = "hearth_cgi_cpu_seconds_total"
    static let cgiMaxRSS = "hearth_cgi_max_rss_bytes"
    static let cgiFailed = "hearth_cgi_failed_runs_total"
    static let cgiStops = "hearth_cgi_stops_total"
    static let outputRefused = "hearth_script_output_refused_total"
    // The cold scripts' slots (`max_concurrent_scripts`): by state,
    // running or waiting for one.
    static let scriptSlots = "hearth_cgi_slots"

    // Worker pools, by pool.
    static let poolWorkers = "hearth_pool_workers"
    static let poolQueue = "hearth_pool_queue_depth"
    static let poolFailed = "hearth_pool_failed"
    static let poolRejected = "hearth_pool_rejected_total"
    static let poolCrashes = "hearth_pool_crashes_total"
    static let poolRestarts = "hearth_pool_restarts_total"
    static let poolRecycled = "hearth_pool_recycled_total"
    static let poolReloads = "hearth_pool_reloads_total"
    // Sessions.
    static let lockWaits = "hearth_session_lock_waits_total"
    static let lockTimeouts = "hearth_session_lock_timeouts_total"
    // The process.
    static let buildInfo = "hearth_build_info"
    static let startTime = "process_start_time_seconds"

    /// The `mount` label of a request no mount answered (a 404 for an
    /// unmounted path, a request refused before routing).
    static let noMount = "(none)"
    /// The `script` label once `ScriptSeries.capacity` scripts have one.
    static let otherScripts = "(other)"

    /// OpenTelemetry's `http.request.method`: the methods of RFC 9110 and
    /// PATCH by name, any other as `_OTHER`, so a client cannot mint series.
    static let methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER"]
    /// `http.response.status_code` by class; `none` when no response went out.
    static let statusClasses = ["none", "1xx", "2xx", "3xx", "4xx", "5xx"]

    /// The method's place in `methods`: a switch, no string compared.
    static func methodIndex(_ method: HTTPMethod) -> Int {
        switch method {
        case .GET: 0
        case .HEAD: 1
        case .POST: 2
        case .PUT: 3
        case .DELETE: 4
        case .CONNECT: 5
        case .OPTIONS: 6
        case .TRACE: 7
        case .PATCH: 8
        default: 9
        }
    }

    static func statusClassIndex(_ status: Int) -> Int {
        (100..<600).contains(status) ? status / 100 : 0
    }
}
