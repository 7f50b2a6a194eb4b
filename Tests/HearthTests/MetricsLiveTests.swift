import Foundation
import Hearth
import HearthHTTP
import HearthTesting
import HearthWorkers
import Testing

/// `/metrics` on the admin listener (issue 24, item 1): a real site serves
/// real requests, then its admin listener is scraped and the exact series
/// that should have moved are read back.
@Suite struct MetricsLiveTests {
    static let hello = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nhello\\n'\n"
    /// A space in a field name: RFC 3875 §6.3 (a token), refused with 502.
    static let broken = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\nBad Name: x\\r\\n\\r\\nbody\\n'\n"
    static let worker = #"""
        #!/usr/bin/perl
        use CGI::Fast;
        while (my $q = CGI::Fast->new) { print "Content-Type: text/plain\r\n\r\nwarm\n"; }
        """#

    @Test func aScrapeShowsTheSeriesThatRequestsMoved() async throws {
        let monitoring = Monitoring()
        let site = try await CGITestSite.start(
            scripts: ["hello.sh": Self.hello, "broken.sh": Self.broken, "work.fcgi": Self.worker],
            site: {
                var pool = WorkerPoolConfiguration()
                pool.minProcesses = 1
                pool.maxProcesses = 1
                $0.scriptPools = pool
            },
            monitoring: monitoring
        )
        try await site.whileServing { site in
            #expect(FileManager.default.createFile(atPath: site.documentRoot + "/file.txt", contents: Data("12345".utf8)))
            let answers = [
                try await site.get("/cgi-bin/hello.sh").status, try await site.get("/file.txt").status,
                try await site.get("/missing.txt").status, try await site.get("/cgi-bin/broken.sh").status,
                try await site.get("/cgi-bin/work.fcgi").status,
            ]
            #expect(answers == [200, 200, 404, 502, 200])
            #expect(await Processes.eventually { monitoring.requestsCounted == 5 })
            let response = try await site.adminGet("/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let scrape = PrometheusScrape(response.text)
            let requests = "http_server_request_duration_seconds_count"
            let get = ["http_request_method": "GET"]
            #expect(scrape.value(requests, get.merging(["mount": "/cgi-bin", "http_response_status_code": "2xx"]) { $1 }) == 2)
            #expect(scrape.value(requests, get.merging(["mount": "/cgi-bin", "http_response_status_code": "5xx"]) { $1 }) == 1)
            #expect(scrape.value(requests, get.merging(["mount": "/", "http_response_status_code": "2xx"]) { $1 }) == 1)
            #expect(scrape.value(requests, get.merging(["mount": "/", "http_response_status_code": "4xx"]) { $1 }) == 1)
            #expect(scrape.types["http_server_request_duration_seconds"] == "histogram")
            #expect(scrape.value("hearth_static_sent_bytes_total", ["mount": "/"]) == 5)
            let hello = ["mount": "/cgi-bin", "script": site.scriptDirectory + "/hello.sh"]
            let broken = ["mount": "/cgi-bin", "script": site.scriptDirectory + "/broken.sh"]
            #expect(scrape.value("hearth_cgi_runs_started_total", hello) == 1)
            #expect(scrape.value("hearth_cgi_run_duration_seconds_count", hello) == 1)
            #expect(scrape.value("hearth_cgi_cpu_seconds_total", hello) != nil)
            #expect(scrape.value("hearth_cgi_max_rss_bytes_count", hello) == 1)
            #expect(scrape.value("hearth_cgi_failed_runs_total", hello) == 0, "made with the script's other series, at 0")
            #expect(scrape.value("hearth_cgi_failed_runs_total", broken) == 1, "an answer refused is a failed run")
            #expect(scrape.value("hearth_script_output_refused_total", ["mount": "/cgi-bin", "rule": "invalid_field_name"]) == 1)
            let pool = site.scriptDirectory + "/work.fcgi"
            #expect(scrape.value("hearth_pool_workers", ["pool": pool, "state": "idle"]) == 1)
            #expect(scrape.value("hearth_pool_workers", ["pool": pool, "state": "busy"]) == 0)
            #expect(scrape.value("hearth_pool_queue_depth", ["pool": pool]) == 0)
            #expect(scrape.value("hearth_pool_failed", ["pool": pool]) == 0)
            #expect(scrape.value("hearth_build_info", ["version": HearthVersion.number]) == 1)
            // Nothing raw in a label: no path a client chose, no query.
            #expect(!response.text.contains("missing.txt"))
            // The whole exposition, read by Prometheus' own Python client.
            #expect(try Self.readByPrometheusClient(response.text) == "ok", "\(response.text)")
        }
    }

    /// What the `prometheus_client` parser (Debian's python3-prometheus-client)
    /// makes of a scrape: "ok" when it reads every family, each name once,
    /// and every histogram's buckets rise to a `+Inf` equal to its `_count`.
    static func readByPrometheusClient(_ text: String) throws -> String {
        let directory = try TemporaryDirectory()
        try directory.write("metrics.txt", Array(text.utf8))
        let check = """
            import sys, collections
            from prometheus_client.parser import text_string_to_metric_families
            names = collections.Counter()
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                names[family.name] += 1
                if family.type != "histogram": continue
                series = collections.defaultdict(dict)
                for s in family.samples:
                    key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                    series[key].setdefault(s.name, []).append((s.labels.get("le"), s.value))
                for key, parts in series.items():
                    buckets = [v for _, v in parts[family.name + "_bucket"]]
                    if buckets != sorted(buckets): sys.exit(f"{family.name}{key}: buckets fall")
                    if parts[family.name + "_bucket"][-1][0] != "+Inf": sys.exit(f"{family.name}{key}: no +Inf")
                    if buckets[-1] != parts[family.name + "_count"][0][1]: sys.exit(f"{family.name}{key}: +Inf is not _count")
            twice = [n for n, c in names.items() if c > 1]
            print("families named twice: " + ", ".join(twice) if twice else "ok")
            """
        let result = try ProgramOutput.run("/usr/bin/python3", ["-c", check, directory.path + "/metrics.txt"])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A second scrape sees only what happened in between: counters move by
    /// exactly the requests made, and the admin listener's own requests are
    /// never counted.
    @Test func countersMoveByExactlyTheRequestsMade() async throws {
        let monitoring = Monitoring()
        let site = try await CGITestSite.start(scripts: ["hello.sh": Self.hello], monitoring: monitoring)
        try await site.whileServing { site in
            let series = ["mount": "/cgi-bin", "http_request_method": "GET", "http_response_status_code": "2xx"]
            _ = try await site.get("/cgi-bin/hello.sh")
            #expect(await Processes.eventually { monitoring.requestsCounted == 1 })
            let before = PrometheusScrape(try await site.adminGet("/metrics").text)
            for _ in 0..<3 { _ = try await site.get("/cgi-bin/hello.sh") }
            _ = try await site.adminGet("/server-status?json")
            #expect(await Processes.eventually { monitoring.requestsCounted == 4 })
            let after = PrometheusScrape(try await site.adminGet("/metrics").text)
            #expect(before.value("http_server_request_duration_seconds_count", series) == 1)
            #expect(after.value("http_server_request_duration_seconds_count", series) == 4)
            #expect(after.series("http_server_request_duration_seconds_count").map(\.value).reduce(0, +) == 4)
        }
    }

    /// Timeouts and kills by reason: a script silent past `io_timeout` is
    /// stopped (504) and counted as a `timeout`, and as a failed run.
    @Test func aTimedOutScriptIsCountedByReason() async throws {
        let monitoring = Monitoring()
        let site = try await CGITestSite.start(
            scripts: ["silent.sh": "#!/bin/sh\nsleep 30\n"],
            mount: { $0.ioTimeout = .milliseconds(300); $0.killGrace = .milliseconds(100) }, monitoring: monitoring
        )
        try await site.whileServing { site in
            #expect(try await site.get("/cgi-bin/silent.sh").status == 504)
            let stops = ["mount": "/cgi-bin", "reason": "timeout"]
            let silent = ["mount": "/cgi-bin", "script": site.scriptDirectory + "/silent.sh"]
            #expect(await Processes.eventually { PrometheusScrape(monitoring.registry.emitToString()).value("hearth_cgi_failed_runs_total", silent) == 1 })
            let scrape = PrometheusScrape(try await site.adminGet("/metrics").text)
            #expect(scrape.value("hearth_cgi_stops_total", stops) == 1)
            #expect(scrape.series("hearth_cgi_stops_total").count == 1, "no other reason moved")
        }
    }

    /// A pool's own events: a worker recycled after `max_requests`, a
    /// request refused with the queue full, a worker that crashes and is
    /// restarted, a reload.
    @Test func poolEventsAreCounted() async throws {
        let monitoring = Monitoring()
        let worker = #"""
            #!/usr/bin/perl
            use CGI::Fast;
            while (my $q = CGI::Fast->new) {
                my $query = $ENV{QUERY_STRING} // '';
                sleep 2 if $query eq 'slow';
                print "Content-Type: text/plain\r\n\r\n$$\n";
                exit 3 if $query eq 'crash';
            }
            """#
        let site = try await CGITestSite.start(
            scripts: ["work.fcgi": worker],
            site: {
                var pool = WorkerPoolConfiguration()
                pool.maxProcesses = 1
                pool.maxQueue = 0
                pool.maxRequests = 3
                $0.scriptPools = pool
            },
            monitoring: monitoring
        )
        try await site.whileServing { site in
            let name = site.scriptDirectory + "/work.fcgi"
            let pool = try #require(site.site.workers?.all[name])
            let scrape = { PrometheusScrape(monitoring.registry.emitToString()) }
            for _ in 0..<3 { #expect(try await site.get("/cgi-bin/work.fcgi").status == 200) }
            #expect(await Processes.eventually { scrape().value("hearth_pool_recycled_total", ["pool": name, "reason": "max_requests"]) == 1 })
            #expect(await Processes.eventually { pool.snapshot().idle == 1 })
            async let slow = site.get("/cgi-bin/work.fcgi?slow")
            #expect(await Processes.eventually { pool.snapshot().busy == 1 })
            #expect(try await site.get("/cgi-bin/work.fcgi").status == 503)
            #expect(try await slow.status == 200)
            #expect(scrape().value("hearth_pool_rejected_total", ["pool": name, "reason": "queue_full"]) == 1)
            #expect(await Processes.eventually { pool.snapshot().idle == 1 })
            // Its second request: the worker answers, then exits with 3.
            _ = try await site.get("/cgi-bin/work.fcgi?crash")
            #expect(await Processes.eventually { scrape().value("hearth_pool_restarts_total", ["pool": name]) == 1 })
            #expect(scrape().value("hearth_pool_crashes_total", ["pool": name]) == 1)
            site.site.workers?.reload()
            #expect(scrape().value("hearth_pool_reloads_total", ["pool": name]) == 1)
            let failures = PrometheusScrape(try await site.adminGet("/metrics").text)
            #expect(failures.value("hearth_pool_failed", ["pool": name]) == 0)
            let status = try await site.adminGet("/server-status?json").text
            #expect(status.contains("\"outcome\" : \"worker exited with status 3\""), "the crash is among the failed runs: \(status)")
        }
    }

    /// The real `hearth` executable with `admin:`: swift-metrics is
    /// bootstrapped once, with a Prometheus factory; the admin listener
    /// says where it listens beside the site's own line; and a SIGHUP
    /// reload builds a new site that counts into the same series.
    @Test func theExecutableCountsAcrossAReload() async throws {
        let directory = try TemporaryDirectory()
        for letter in ["a", "b"] {
            try directory.write("cgi-\(letter)/hello.sh", Self.hello, mode: 0o755)
            try directory.write("\(letter).yaml", "access_log: off\ncgi:\n  - directory: cgi-\(letter)\nstatic: []\nadmin:\n  port: 0\n")
        }
        try FileManager.default.copyItem(atPath: directory.path + "/a.yaml", toPath: directory.path + "/hearth.yaml")
        let server = try await HearthProcess.start(["--config", "hearth.yaml"], workingDirectory: directory.path)
        let adminPort = try #require(await server.adminPort(), "\(server.errors)")
        let get = { (path: String, port: Int) in try await rawRequest("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port) }
        #expect(try await get("/cgi-bin/hello.sh", server.port).status == 200)
        let loaded = try await get("/server-status?json", adminPort).text
        try FileManager.default.removeItem(atPath: directory.path + "/hearth.yaml")
        try FileManager.default.copyItem(atPath: directory.path + "/b.yaml", toPath: directory.path + "/hearth.yaml")
        kill(server.pid, SIGHUP)
        #expect(await Processes.eventually(seconds: 30) { server.errors.contains("reload: configuration 2 serves from now on") })
        #expect(try await get("/cgi-bin/hello.sh", server.port).status == 200)
        let series = ["mount": "/cgi-bin", "http_request_method": "GET", "http_response_status_code": "2xx"]
        var scrape = PrometheusScrape("")
        let counted = await Processes.eventually(asking: {
            scrape = PrometheusScrape((try? await get("/metrics", adminPort).text) ?? "")
            return scrape.value("http_server_request_duration_seconds_count", series) == 2
        })
        #expect(counted, "one series across the reload: \(scrape.series("http_server_request_duration_seconds_count"))")
        #expect(scrape.value("hearth_cgi_runs_started_total", ["mount": "/cgi-bin", "script": directory.path + "/cgi-b/hello.sh"]) == 1)
        #expect(scrape.value("hearth_build_info", ["version": HearthVersion.number]) == 1)
        let reloaded = try await get("/server-status?json", adminPort).text
        #expect(reloaded.contains("\"file\" : \"\(directory.path)/hearth.yaml\""))
        let before = try #require(Self.loaded(in: loaded)), after = try #require(Self.loaded(in: reloaded))
        #expect(after >= before, "ISO 8601 times compare as text")
        #expect(try await server.terminate() == 0)
    }

    /// The status page's `configuration.loaded`.
    static func loaded(in json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return (object["configuration"] as? [String: Any])?["loaded"] as? String
    }

    /// Off unless configured: a site built without monitoring leaves no
    /// observer in its requests' notes and counts nothing.
    @Test func withoutMonitoringNothingIsObserved() async throws {
        let site = try await CGITestSite.start(scripts: ["hello.sh": Self.hello])
        try await site.whileServing { site in
            #expect(site.admin == nil)
            #expect(site.site.mounts.allSatisfy { $0.observer == nil })
            let answer = try await site.get("/cgi-bin/hello.sh")
            #expect(answer.status == 200)
        }
    }
}
