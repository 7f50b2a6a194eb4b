import Foundation
import Hearth
import HearthHTTP
import HearthTesting
import Testing

/// `/server-status` (issue 24, item 2): the JSON and mod_status forms read
/// exactly, and the HTML page as headless Chromium builds it, while a slow
/// script is in flight and after a script failed.
@Suite(.serialized) struct StatusPageTests {
    /// Writes its pid beside itself, then waits for a `gate` file there
    /// (a minute at most) before it answers.
    static let slow = """
        #!/bin/sh
        dir=${SCRIPT_FILENAME%/*}
        echo $$ > "$dir/slow.pid"
        i=0
        while [ ! -e "$dir/gate" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
        printf 'Content-Type: text/plain\\r\\n\\r\\ndone\\n'

        """
    /// No answer (500), a line on stderr with markup in it, exit 3.
    static let failing = "#!/bin/sh\necho 'boom <b>&' >&2\nexit 3\n"

    /// A site with one finished request, one failed run and the slow
    /// script in flight; `body` looks at it; then the slow script is let go.
    /// `forwardedFor`: the slow request comes through a trusted proxy (the
    /// test, on 127.0.0.1) that names this client in `X-Forwarded-For`.
    func withSlowRequestInFlight(forwardedFor: String? = nil, _ body: (CGITestSite, Int32) async throws -> Void) async throws {
        let monitoring = Monitoring()
        let site = try await CGITestSite.start(
            scripts: ["hello.sh": MetricsLiveTests.hello, "fail.sh": Self.failing, "slow.sh": Self.slow],
            mount: { $0.ioTimeout = .seconds(120) },
            site: {
                $0.file = "/srv/site/hearth.yaml"
                if forwardedFor != nil { $0.server.trustedProxies = [IPNetwork(cidr: "127.0.0.1")!] }
            },
            monitoring: monitoring
        )
        try await site.whileServing { site in
            #expect(try await site.get("/cgi-bin/hello.sh").status == 200)
            #expect(try await site.get("/cgi-bin/fail.sh").status == 500)
            #expect(await Processes.eventually { monitoring.requestsCounted == 2 })
            async let slowAnswer = site.get("/cgi-bin/slow.sh?secret=1", headers: forwardedFor.map { ["X-Forwarded-For: \($0)"] } ?? [])
            let pid = try #require(await Processes.readPid(at: site.scriptDirectory + "/slow.pid"))
            // The script writes its pid at once; the gateway notes it a
            // moment after the spawn returns (a loaded full run once asked
            // in between): the page is read once it has.
            let noted = await Processes.eventually(asking: {
                let body = (try? await site.adminGet("/server-status?json").body) ?? []
                let report = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
                return (report?["in_flight"] as? [[String: Any]])?.contains { $0["pid"] as? Int == Int(pid) } == true
            })
            #expect(noted, "the in-flight request never showed its script's pid")
            let gate = site.scriptDirectory + "/gate"
            do {
                try await body(site, pid)
            } catch {
                _ = FileManager.default.createFile(atPath: gate, contents: nil)
                _ = try? await slowAnswer
                throw error
            }
            #expect(FileManager.default.createFile(atPath: gate, contents: nil))
            #expect(try await slowAnswer.text == "done\n")
        }
    }

    @Test func theJSONFormListsMountsRequestsInFlightAndFailures() async throws {
        try await withSlowRequestInFlight { site, pid in
            let response = try await site.adminGet("/server-status?json")
            #expect(response.status == 200 && response.header("Content-Type") == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(Set(json.keys) == ["version", "started", "uptime_seconds", "configuration", "totals", "mounts", "in_flight", "script_slots", "pools", "failures"])
            #expect(json["version"] as? String == HearthVersion.number)
            let configuration = try #require(json["configuration"] as? [String: Any])
            #expect(configuration["file"] as? String == "/srv/site/hearth.yaml")
            #expect(configuration["loaded"] is String)
            let totals = try #require(json["totals"] as? [String: Any])
            #expect(totals["requests"] as? Int == 2 && totals["busy_connections"] as? Int == 1)
            let mounts = try #require(json["mounts"] as? [[String: Any]])
            let cgi = try #require(mounts.first { $0["mount"] as? String == "/cgi-bin" })
            #expect(cgi["requests"] as? Int == 2 && cgi["errors"] as? Int == 1)
            #expect((cgi["average_milliseconds"] as? Double ?? 0) > 0)
            let inFlight = try #require(json["in_flight"] as? [[String: Any]])
            #expect(inFlight.count == 1)
            let slow = try #require(inFlight.first)
            #expect(slow["method"] as? String == "GET")
            #expect(slow["path"] as? String == "/cgi-bin/slow.sh", "the path, never the query")
            #expect(slow["mount"] as? String == "/cgi-bin")
            #expect(slow["pid"] as? Int == Int(pid))
            #expect((slow["client"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect((slow["elapsed_seconds"] as? Double ?? -1) >= 0)
            let failures = try #require(json["failures"] as? [[String: Any]])
            #expect(failures.count == 1)
            let failure = try #require(failures.first)
            #expect(failure["script"] as? String == site.scriptDirectory + "/fail.sh")
            #expect(failure["mount"] as? String == "/cgi-bin")
            #expect(failure["outcome"] as? String == "exit 3")
            #expect(failure["stderr"] as? [String] == ["boom <b>&"])
            #expect((failure["refusal"] as? String)?.contains("the script produced no output") == true)
            #expect(json["pools"] as? [Any] != nil)
            let slots = try #require(json["script_slots"] as? [String: Any])
            #expect(slots["running"] as? Int == 1 && slots["capacity"] as? Int == 64 && slots["waiting"] as? Int == 0)
            #expect(!response.text.contains("secret"))
        }
    }

    /// Behind a trusted proxy the page names the client the proxy named
    /// (as the script's REMOTE_ADDR does), not the proxy.
    @Test func aProxiedRequestInFlightShowsItsClientNotTheProxy() async throws {
        try await withSlowRequestInFlight(forwardedFor: "203.0.113.9") { site, _ in
            let body = try await site.adminGet("/server-status?json").body
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let inFlight = try #require(json["in_flight"] as? [[String: Any]])
            #expect(inFlight.map { $0["client"] as? String } == ["203.0.113.9"], "\(inFlight)")
        }
    }

    /// Issue 24, item 7: the script slots' queue is the same waiting line
    /// as a pool's, and shows alike: with one slot, a second request
    /// waits, and the page and the gauges say so.
    @Test func aRequestWaitingForAScriptSlotIsOnThePageAndInTheGauges() async throws {
        let monitoring = Monitoring()
        let site = try await CGITestSite.start(
            scripts: ["slow.sh": Self.slow, "hello.sh": MetricsLiveTests.hello],
            mount: { $0.ioTimeout = .seconds(120); $0.queueTimeout = .seconds(60) }, site: { $0.maxConcurrentScripts = 1 },
            monitoring: monitoring
        )
        try await site.whileServing { site in
            async let slowAnswer = site.get("/cgi-bin/slow.sh")
            _ = try #require(await Processes.readPid(at: site.scriptDirectory + "/slow.pid"))
            async let waitingAnswer = site.get("/cgi-bin/hello.sh")
            let waits = await Processes.eventually { site.site.scriptSlots?.waiting == 1 }
            let json = try await site.adminGet("/server-status?json").text
            let page = try await site.adminGet("/server-status").text
            let metrics = try await site.adminGet("/metrics").text
            #expect(FileManager.default.createFile(atPath: site.scriptDirectory + "/gate", contents: nil))
            #expect(try await slowAnswer.status == 200)
            #expect(try await waitingAnswer.status == 200, "the waiting request ran once the slot was free")
            #expect(waits)
            let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let slots = report?["script_slots"] as? [String: Int]
            #expect(slots == ["capacity": 1, "running": 1, "waiting": 1], "\(json)")
            #expect(page.contains(#"<dd id="script-slots">1 of 1 running, 1 waiting</dd>"#))
            #expect(metrics.contains(#"hearth_cgi_slots{state="waiting"} 1"#) && metrics.contains(#"hearth_cgi_slots{state="running"} 1"#), "\(metrics)")
        }
    }

    /// mod_status's `?auto` lines, in its order and with its names.
    @Test func theAutoFormIsModStatusMachineFormat() async throws {
        try await withSlowRequestInFlight { site, _ in
            let response = try await site.adminGet("/server-status?auto")
            #expect(response.status == 200 && response.header("Content-Type") == "text/plain; charset=utf-8")
            let lines = response.text.split(separator: "\n").map(String.init)
            let names = lines.map { String($0.prefix { $0 != ":" }) }
            #expect(names == [
                "ServerVersion", "ServerUptimeSeconds", "ServerUptime", "Total Accesses", "Total kBytes", "Total Duration", "Uptime",
                "ReqPerSec", "BytesPerSec", "BytesPerReq", "DurationPerReq", "BusyWorkers", "IdleWorkers", "Scoreboard",
            ])
            #expect(lines[0] == "ServerVersion: Hearth/\(HearthVersion.number)")
            #expect(lines[3] == "Total Accesses: 2")
            #expect(lines[4] == "Total kBytes: 0")
            #expect(lines[11] == "BusyWorkers: 1")
            let idle = try #require(Int(lines[12].dropFirst("IdleWorkers: ".count)))
            #expect(lines[13] == "Scoreboard: W" + String(repeating: "K", count: idle))
            for (index, pattern) in [(1, #"^ServerUptimeSeconds: \d+$"#), (6, #"^Uptime: \d+$"#), (7, #"^ReqPerSec: [0-9.e+-]+$"#), (10, #"^DurationPerReq: [0-9.e+-]+$"#)] {
                #expect(lines[index].range(of: pattern, options: .regularExpression) != nil, "\(lines[index])")
            }
        }
    }

    /// The page as a browser builds it: a row for the slow script with its
    /// pid, the failed run's stderr as text (its markup escaped, not
    /// parsed), the configuration file.
    @Test func theHTMLPageInHeadlessChromium() async throws {
        try await withSlowRequestInFlight { site, pid in
            let dom = try await Chromium.dumpDOM("http://127.0.0.1:\(site.admin!.port)/server-status")
            let row = #"<tr><td>GET</td><td>/cgi-bin/slow\.sh</td><td>127\.0\.0\.1:\d+</td><td>[0-9.]+ s</td><td>/cgi-bin</td><td>"# + "\(pid)" + #"</td></tr>"#
            #expect(dom.contains(#"<table id="in-flight">"#), "\(dom)")
            #expect(dom.range(of: row, options: .regularExpression) != nil, "no row for the slow script with pid \(pid): \(dom)")
            #expect(dom.contains("<pre>boom &lt;b&gt;&amp;</pre>"), "stderr shown as text: \(dom)")
            #expect(dom.contains(#"<dd id="configuration">/srv/site/hearth.yaml</dd>"#))
            #expect(dom.contains("<title>Hearth status</title>"))
        }
    }
}
