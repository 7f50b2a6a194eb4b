import Foundation
import HearthHTTP

/// `/server-status` for a person: one page, every value escaped (a path,
/// a client, a script's stderr are anyone's text), no script, no outside
/// resource.
extension StatusReport {
    func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Hearth status</title>
            <style>\(Self.style)</style></head><body>
            <h1>Hearth \(Self.escape(version))</h1>
            <dl id="server">
            <dt>Up</dt><dd id="uptime">\(Self.escape(Self.spelledOut(seconds: Int(uptimeSeconds))))</dd>
            <dt>Started</dt><dd>\(Self.escape(Self.time(started)))</dd>
            <dt>Configuration</dt><dd id="configuration">\(Self.escape(configuration.file ?? "none (flags and defaults)"))</dd>
            <dt>Loaded</dt><dd>\(Self.escape(configuration.loaded.map(Self.time) ?? "-"))</dd>
            <dt>Requests</dt><dd>\(totals.requests), \(totals.busyConnections) in flight, \(Self.count(totals.openConnections, "connection")) open</dd>
            <dt>Script slots</dt><dd id="script-slots">\(scriptSlots.map { "\($0.running) of \($0.capacity) running, \($0.waiting) waiting" } ?? "-")</dd>
            </dl>

            """
        page += Self.table(id: "mounts", title: "Mounts", columns: ["Mount", "Requests", "Errors", "Average"], rows: mounts.map { mount in
            [mount.mount, "\(mount.requests)", "\(mount.errors)", Self.fixed(mount.averageMilliseconds, places: 3) + " ms"]
        })
        page += Self.table(id: "in-flight", title: "Requests in flight", columns: ["Method", "Path", "Client", "Elapsed", "Mount", "PID"], rows: inFlight.map { request in
            [request.method, request.path, request.client, Self.fixed(request.elapsedSeconds, places: 3) + " s", request.mount ?? "-", request.pid.map { "\($0)" } ?? "-"]
        })
        for pool in pools {
            let title = "Pool \(pool.name) (\(pool.minProcesses)–\(pool.maxProcesses) workers, \(pool.waiting) waiting, \(pool.starting) starting)"
                + (pool.failure.map { " — failed: \($0)" } ?? "")
            page += Self.table(id: nil, title: title, columns: ["PID", "State", "Requests", "RSS", "Age"], rows: pool.workers.map { worker in
                ["\(worker.pid)", worker.state, "\(worker.requests)", worker.rssBytes.map { "\($0 / 1024) KiB" } ?? "-", Self.fixed(worker.ageSeconds, places: 0) + " s"]
            }, className: "pool")
        }
        page += Self.failuresSection(failures)
        return page + "</body></html>\n"
    }

    private static func failuresSection(_ failures: [FailedRun]) -> String {
        var section = "<h2>Last failed runs</h2>\n"
        guard !failures.isEmpty else { return section + "<p class=\"none\">none</p>\n" }
        section += "<ol id=\"failures\">\n"
        for run in failures {
            let why = [run.outcome, run.stopped.map { "stopped: \($0)" }, run.limit.map { "limit: \($0)" }, run.refusal].compactMap { $0 }.joined(separator: "; ")
            section += "<li><p><b>\(escape(run.script))</b> (pid \(run.pid), \(escape(run.mount)), \(escape(time(run.time)))): \(escape(why))</p>"
            section += run.stderr.isEmpty ? "</li>\n" : "<pre>\(escape(run.stderr.joined(separator: "\n")))</pre></li>\n"
        }
        return section + "</ol>\n"
    }

    private static func table(id: String?, title: String, columns: [String], rows: [[String]], className: String? = nil) -> String {
        var html = "<h2>\(escape(title))</h2>\n"
        guard !rows.isEmpty else { return html + "<p class=\"none\">none</p>\n" }
        html += "<table" + (id.map { " id=\"\($0)\"" } ?? "") + (className.map { " class=\"\($0)\"" } ?? "") + ">\n<tr>"
        html += columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table>\n"
    }

    /// `1 connection`, `3 connections`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)" + (number == 1 ? "" : "s")
    }

    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }

    /// `2026-12-07T14:29:30Z`. A format style, not a formatter made per
    /// call: making an `ISO8601DateFormatter` took milliseconds of a page.
    private static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `3.142` for `fixed(3.14159, places: 3)`: Foundation's
    /// `String(format:)` costs more than the rest of a row.
    static func fixed(_ value: Double, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        guard places > 0 else { return String(scaled) }
        let fraction = String(abs(scaled % scale))
        return String(scaled / scale) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    private static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em}\
        dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:600}dd{margin:0}\
        table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}th{background:#f3f3f3}\
        pre{background:#f7f7f7;padding:.5em;overflow:auto;max-height:12em}.none{color:#777}
        """
}
