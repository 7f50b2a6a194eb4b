/// Runs cases against a target, a few at a time.
public struct ConformanceRunner: Sendable {
    public let target: ConformanceTarget
    public let client: WireClient
    public let concurrency: Int

    public init(target: ConformanceTarget, client: WireClient = WireClient(), concurrency: Int = 4) {
        self.target = target
        self.client = client
        self.concurrency = concurrency
    }

    /// Results in the order of `cases`.
    public func run(_ cases: [ConformanceCase]) async -> [CaseResult] {
        await withTaskGroup(of: (Int, CaseResult).self) { group in
            var results = [CaseResult?](repeating: nil, count: cases.count)
            for (index, item) in cases.enumerated() {
                if index >= concurrency, let (done, result) = await group.next() { results[done] = result }
                group.addTask { (index, await run(item)) }
            }
            for await (done, result) in group { results[done] = result }
            return results.compactMap { $0 }
        }
    }

    public func run(_ item: ConformanceCase) async -> CaseResult {
        let bytes = item.wireBytes(for: target)
        let isHead = bytes.starts(with: Array("HEAD ".utf8))
        let outcome = await client.exchange(
            bytes, target: target, timeout: .milliseconds(Int((item.timeout ?? 10) * 1000)),
            untilClose: item.expect.readsToClose, isHead: isHead
        )
        switch outcome {
        case .success(let response):
            return CaseResult(item, failures: Matcher.failures(item.expect, response), status: response.status)
        case .failure(let failure):
            return CaseResult(item, failures: [failure.description], status: nil)
        }
    }
}

/// The verdict on one case.
public struct CaseResult: Codable, Sendable, Equatable {
    public var id: String
    public var section: String
    public var sentence: String
    public var `class`: ConformanceCase.Class
    public var file: String?
    public var passed: Bool
    public var failures: [String]
    public var status: Int?

    init(_ item: ConformanceCase, failures: [String], status: Int?) {
        id = item.id
        section = item.section
        sentence = item.sentence
        self.class = item.class
        file = item.file
        passed = failures.isEmpty
        self.failures = failures
        self.status = status
    }
}
