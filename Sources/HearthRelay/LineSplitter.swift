/// Splits a byte stream into lines, capping each at 4 KiB: a script's or a
/// worker's stderr, cold or warm, reaches the error log a line at a time.
package struct LineSplitter {
    private var pending: [UInt8] = []
    private let maxLine = 4096

    package init() {}

    package mutating func append(_ bytes: some Collection<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == 0x0A || pending.count >= maxLine {
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
                if byte == 0x0A { continue }
            }
            if byte != 0x0D { pending.append(byte) }
        }
        return lines
    }

    package mutating func rest() -> String? {
        defer { pending = [] }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}
