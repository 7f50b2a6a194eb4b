import HearthFastCGI
import NIOCore

typealias Child = FastCGIChildConnection

/// The wire bytes of `records`, as the child writes them.
func wire(_ records: [FastCGIRecord]) -> [UInt8] {
    records.flatMap { bytes($0.encoded) }
}

/// A record header (§3.3), written out by hand so expectations do not come from the encoder under test.
func header(_ type: UInt8, id: UInt16, length: Int, padding: Int) -> [UInt8] {
    [1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(length >> 8), UInt8(length & 0xFF), UInt8(padding), 0]
}

/// A whole record by hand: header, content, zero padding to a multiple of 8 (§3.3).
func handRecord(_ type: UInt8, id: UInt16, _ content: [UInt8]) -> [UInt8] {
    let padding = (8 - content.count % 8) % 8
    return header(type, id: id, length: content.count, padding: padding) + content + [UInt8](repeating: 0, count: padding)
}

/// Decodes `input` and feeds every record to `child`, returning the actions; `chunk` bytes at a time.
func feed(_ input: [UInt8], to child: inout Child, chunk: Int = .max) throws -> [Child.Action] {
    var decoder = FastCGIRecordDecoder()
    var pending = ByteBuffer()
    var actions: [Child.Action] = []
    var offset = 0
    while offset < input.count {
        let end = offset + min(chunk, input.count - offset)
        pending.writeBytes(input[offset..<end])
        offset = end
        while let record = try decoder.decode(&pending) { actions.append(child.receive(record)) }
    }
    return actions
}

/// The bytes an action asks the application to write, if any.
func written(_ action: Child.Action) -> [UInt8]? {
    switch action {
    case .write(let write): wire(write.records)
    case .requestFailed(_, _, let write): wire(write.records)
    default: nil
    }
}

// §5.1 BEGIN_REQUEST bodies: role (2 bytes), flags (FCGI_KEEP_CONN = 1), 5 reserved.
func beginBytes(id: UInt16, role: UInt16 = 1, keep: Bool) -> [UInt8] {
    handRecord(1, id: id, [UInt8(role >> 8), UInt8(role & 0xFF), keep ? 1 : 0, 0, 0, 0, 0, 0])
}

// §5.5 END_REQUEST: appStatus (4 bytes big-endian), protocolStatus, 3 reserved.
func endBytes(id: UInt16, appStatus: UInt32 = 0, protocolStatus: UInt8 = 0) -> [UInt8] {
    let status = withUnsafeBytes(of: appStatus.bigEndian, Array.init)
    return handRecord(3, id: id, status + [protocolStatus, 0, 0, 0])
}
