import Foundation

extension StatusReport {
    /// `?json`: the report, keys in snake case and sorted, times in ISO 8601.
    func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8))
    }

    /// `?auto`: Apache mod_status's machine-readable lines, under the names
    /// its readers (collectd, Telegraf, Netdata, log_server_status) parse.
    /// Hearth's workers are its connections: `BusyWorkers` serve a request,
    /// `IdleWorkers` wait for the next one on a kept-alive connection; the
    /// scoreboard has a `W` for each busy one and a `K` for each idle one.
    /// Durations are in milliseconds, as Apache gives them.
    func auto() -> String {
        let uptime = max(Int(uptimeSeconds), 0)
        let perSecond = { (value: Double) in uptimeSeconds > 0 ? value / uptimeSeconds : 0 }
        let perRequest = { (value: Double) in totals.requests > 0 ? value / Double(totals.requests) : 0 }
        let idle = totals.openConnections - totals.busyConnections
        let lines = [
            "ServerVersion: Hearth/\(version)",
            "ServerUptimeSeconds: \(uptime)",
            "ServerUptime: \(Self.spelledOut(seconds: uptime))",
            "Total Accesses: \(totals.requests)",
            "Total kBytes: \(totals.bodyBytes / 1024)",
            "Total Duration: \(Int(totals.durationSeconds * 1000))",
            "Uptime: \(uptime)",
            "ReqPerSec: \(Self.number(perSecond(Double(totals.requests))))",
            "BytesPerSec: \(Self.number(perSecond(Double(totals.bodyBytes))))",
            "BytesPerReq: \(Self.number(perRequest(Double(totals.bodyBytes))))",
            "DurationPerReq: \(Self.number(perRequest(totals.durationSeconds * 1000)))",
            "BusyWorkers: \(totals.busyConnections)",
            "IdleWorkers: \(idle)",
            "Scoreboard: " + String(repeating: "W", count: totals.busyConnections) + String(repeating: "K", count: idle),
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `%g`, as Apache prints its averages.
    static func number(_ value: Double) -> String {
        String(format: "%g", value)
    }

    /// `1 day 2 hours 3 minutes 4 seconds`, the parts that are not zero.
    static func spelledOut(seconds: Int) -> String {
        let parts = [(seconds / 86400, "day"), (seconds / 3600 % 24, "hour"), (seconds / 60 % 60, "minute"), (seconds % 60, "second")]
        let words = parts.filter { $0.0 > 0 }.map { count($0.0, $0.1) }
        return words.isEmpty ? "0 seconds" : words.joined(separator: " ")
    }
}
