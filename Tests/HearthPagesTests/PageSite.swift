import Foundation
import Hearth
import HearthTesting
import Logging

/// A live Hearth site whose document root (`/`, pages on, as the default
/// configuration has it) is a fresh directory, with its error log kept.
final class PageSite {
    let site: CGITestSite
    let log: LogCapture
    var root: String { site.documentRoot }

    private init(site: CGITestSite, log: LogCapture) {
        self.site = site
        self.log = log
    }

    static func start(
        files: [String: String] = [:], configure: (inout HearthConfiguration) -> Void = { _ in },
        builder: (inout SiteBuilder) -> Void = { _ in }
    ) async throws -> PageSite {
        let log = LogCapture()
        let site = try await CGITestSite.start(scripts: [:], site: configure, builder: builder, logger: log.logger())
        let pageSite = PageSite(site: site, log: log)
        for (name, text) in files { try pageSite.write(name, text) }
        return pageSite
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = root + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func setModified(_ name: String, _ seconds: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: root + "/" + name)
    }

    /// One request on a fresh connection; `fields` are extra header lines.
    func request(_ method: String = "GET", _ target: String, _ fields: [String] = [], body: String? = nil) async throws -> RawResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: pages.test\r\nConnection: close\r\n" + fields.map { $0 + "\r\n" }.joined()
        if let body { head += "Content-Length: \(body.utf8.count)\r\n" }
        return try await site.request(head + "\r\n" + (body ?? ""), head: method == "HEAD")
    }

    /// Every error-log line, message and metadata, for `contains` checks.
    var logText: String {
        log.records.map { "\($0.message) \($0.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))" }
            .joined(separator: "\n")
    }

    func stop() async throws { try await site.stop() }
}
