#if canImport(Glibc)
import Glibc
#endif
import CHearthSpawn

/// The privileged spawner's messages, one SOCK_SEQPACKET message each:
/// little-endian integers, strings and lists with a 32-bit length first.
/// Both ends are the same build of Hearth, so there is no versioning.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        integer(UInt32(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    mutating func list<T>(_ values: [T], _ each: (inout WireWriter, T) -> Void) {
        integer(UInt32(values.count))
        for value in values { each(&self, value) }
    }
}

struct WireReader {
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw Malformed() }
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + size)]) }
        offset += size
        return T(littleEndian: value)
    }

    mutating func string() throws -> String {
        let count = Int(try integer(UInt32.self))
        guard offset + count <= bytes.count else { throw Malformed() }
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    mutating func list<T>(_ each: (inout WireReader) throws -> T) throws -> [T] {
        let count = Int(try integer(UInt32.self))
        guard count <= bytes.count - offset else { throw Malformed() }
        return try (0..<count).map { _ in try each(&self) }
    }
}

/// One end of the spawner's socket.
struct WireSocket {
    let descriptor: Int32
    /// An order with a whole environment in it.
    static let largestOrder = 1 << 20

    func send(_ writer: WireWriter, descriptors: [Int32] = []) throws(SpawnError) {
        let sent = writer.bytes.withUnsafeBytes { bytes in
            descriptors.withUnsafeBufferPointer { fds in
                hearth_send_with_fds(descriptor, bytes.baseAddress, bytes.count, fds.baseAddress, Int32(fds.count))
            }
        }
        guard sent == writer.bytes.count else { throw SpawnError(operation: "privileged spawner: send", code: sent < 0 ? errno : EMSGSIZE) }
    }

    /// The next message and the descriptors that came with it; nil at the
    /// end (the other side has gone).
    func receive(capacity: Int = 4096) throws(SpawnError) -> (reader: WireReader, descriptors: [Int32])? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        return try receive(into: &buffer)
    }

    /// The same into a buffer the caller keeps: the spawner reads every
    /// order into one, not a fresh megabyte per script.
    func receive(into buffer: inout [UInt8]) throws(SpawnError) -> (reader: WireReader, descriptors: [Int32])? {
        var fds = [Int32](repeating: -1, count: 16)
        var fdCount: Int32 = 0
        let received = buffer.withUnsafeMutableBytes { bytes in
            hearth_receive_with_fds(descriptor, bytes.baseAddress, bytes.count, &fds, Int32(fds.count), &fdCount)
        }
        guard received >= 0 else { throw SpawnError(operation: "privileged spawner: receive", code: errno) }
        if received == 0 { return nil }
        return (WireReader(Array(buffer[..<received])), Array(fds[..<Int(fdCount)]))
    }
}
