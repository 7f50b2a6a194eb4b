import Foundation
@testable import HearthGateway
import HearthTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The stdin pipe's switch from plain writes to a channel: a chunk larger
/// than the pipe is written partly at once and the rest when the reader
/// makes room, in order, with nothing lost or doubled.
@Suite struct ScriptStdinPipeTests {
    @Test func chunkLargerThanThePipeArrivesWholeAcrossTheSwitch() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let chunk = ByteBuffer(bytes: patternBytes(1024 * 1024 + 7))
        let stdin = ScriptStdinPipe(fd: writeEnd, on: group.next())
        let received = Self.readToEnd(readEnd)
        // One write(2) cannot put 1 MiB into a 64 KiB pipe: part goes in at
        // once, the rest by the channel as the reader makes room.
        try await stdin.write(chunk)
        stdin.close()
        let all = await received.value
        #expect(all.count == chunk.readableBytes)
        // A Bool, not the bytes: a failure would print a megabyte.
        let inOrder = all == Array(chunk.readableBytesView)
        #expect(inOrder)
        close(readEnd)
        try await group.shutdownGracefully()
    }

    /// Reads on a thread of its own (a blocking read) until end of file.
    private static func readToEnd(_ fd: Int32) -> ReadResult {
        let result = ReadResult()
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            result.finish(bytes)
        }
        return result
    }

    final class ReadResult: Sendable {
        private let bytes = Mutex<(value: [UInt8]?, waiter: CheckedContinuation<[UInt8], Never>?)>((nil, nil))
        func finish(_ value: [UInt8]) {
            let waiter = bytes.withLock { state in
                state.value = value
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: value)
        }
        var value: [UInt8] {
            get async {
                await withCheckedContinuation { continuation in
                    let ready = bytes.withLock { state -> [UInt8]? in
                        if state.value == nil { state.waiter = continuation }
                        return state.value
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            }
        }
    }
}
