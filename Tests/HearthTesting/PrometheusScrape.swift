/// A `/metrics` answer read back: every sample line of the Prometheus text
/// format (`name{label="value",…} number`), so a test can ask for one
/// series by its name and exact label set.
public struct PrometheusScrape: Sendable {
    public struct Sample: Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public let samples: [Sample]
    /// The `# TYPE` lines: each name's type.
    public let types: [String: String]

    public init(_ text: String) {
        var samples: [Sample] = []
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let words = line.split(separator: " ")
                if words.count == 4 { types[String(words[2])] = String(words[3]) }
                continue
            }
            guard !line.hasPrefix("#"), let sample = Self.sample(line) else { continue }
            samples.append(sample)
        }
        self.samples = samples
        self.types = types
    }

    /// The value of the series with exactly these labels; nil if absent.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every series of `name` whose labels include `labels`.
    public func series(_ name: String, matching labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    private static func sample(_ line: Substring) -> Sample? {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let series = line[..<space]
        guard let open = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
        var labels: [String: String] = [:]
        var rest = series[series.index(after: open)...].dropLast()  // the closing brace
        while let equals = rest.firstIndex(of: "=") {
            let name = String(rest[..<equals].drop { $0 == "," })
            var index = rest.index(equals, offsetBy: 2)  // past `="`
            var text = ""
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\" { index = rest.index(after: index) }
                text.append(rest[index])
                index = rest.index(after: index)
            }
            labels[name] = text
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
        }
        return Sample(name: String(series[..<open]), labels: labels, value: value)
    }
}
