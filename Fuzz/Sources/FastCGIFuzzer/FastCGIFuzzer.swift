import CLibFuzzer
import HearthFastCGI
import NIOCore

/// libFuzzer entry point: arbitrary bytes from a "host" go through everything a FastCGI worker does with them.
///
/// Bytes → FastCGIRecordDecoder (§3.3) → every record to FastCGIChildConnection (§4, §5) → PARAMS contents also
/// straight to FastCGINameValuePairs (§3.4), and the management bodies to their decoders (§4.1, §4.2). Bad input must
/// only ever throw or be answered; a trap, an out-of-bounds access (ASan) or a leak is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let input = ByteBuffer(bytes: bytes)
    // The first byte picks how the bytes arrive, so one input also tests incremental decoding.
    let chunk = Int((bytes.first ?? 0) % 16) + 1
    var run = FuzzRun(chunkSize: chunk)
    run.run(input)
    return 0
}

/// The program's entry point: SwiftPM links `main` to `FastCGIFuzzer_main`, so libFuzzer's own main() is not linked
/// and its driver is started here, with the command line (`-max_total_time=600 corpus/` …) handed on unchanged.
@_cdecl("FastCGIFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}

struct FuzzRun {
    let chunkSize: Int
    var decoder = FastCGIRecordDecoder()
    var child = FastCGIChildConnection(
        configuration: .init(acceptedRoles: [.responder, .filter], maxParamsCount: 64, maxParamsBytes: 4096))
    let pairs = FastCGINameValuePairs(maxCount: 64, maxTotalBytes: 4096)

    init(chunkSize: Int) {
        self.chunkSize = chunkSize
    }

    mutating func run(_ input: ByteBuffer) {
        var input = input
        var pending = ByteBuffer()
        while input.readableBytes > 0, let piece = input.readSlice(length: min(chunkSize, input.readableBytes)) {
            pending.writeImmutableBuffer(piece)
            do {
                while let record = try decoder.decode(&pending) { handle(record) }
            } catch {
                return  // a framing error ends the connection, as a worker would
            }
        }
    }

    private mutating func handle(_ record: FastCGIRecord) {
        switch record.type {
        case .params: _ = try? pairs.decode(record.content)
        case .getValues: _ = try? FastCGIGetValues(content: record.content)
        case .getValuesResult: _ = try? FastCGIGetValuesResult(content: record.content)
        case .unknownType: _ = try? FastCGIUnknownType(content: record.content)
        case .endRequest: _ = try? FastCGIEndRequest(content: record.content)
        default: break
        }
        respond(to: child.receive(record))
    }

    /// Plays a well-behaved application, so the output side is exercised too.
    private mutating func respond(to action: FastCGIChildConnection.Action) {
        switch action {
        case .write(let write), .requestFailed(_, _, let write):
            encode(write.records)
        case .requestStarted(let id, _, _, let params):
            encode(child.stdout(ByteBuffer(string: "Status: 200\r\n\r\n\(params.pairs.count)"), requestID: id))
        case .stdin(let id, let chunk):
            encode(child.stderr(chunk, requestID: id))
        case .stdinEnded(let id), .abort(let id):
            encode(child.endRequest(requestID: id, appStatus: 0).records)
        case .none, .data, .dataEnded, .closeConnection:
            break
        }
    }

    private func encode(_ records: [FastCGIRecord]) {
        var out = ByteBuffer()
        for record in records { record.write(into: &out) }
    }
}
