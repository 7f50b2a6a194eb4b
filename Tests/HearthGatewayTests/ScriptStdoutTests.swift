@testable import HearthGateway
import NIOCore
import NIOEmbedded
import Testing

/// The stdout buffer's promise to the relay: the rest of the output is
/// handed over whole only once the script has closed its stdout, so a
/// response framed by its length is never cut short.
@Suite struct ScriptStdoutTests {
    private static func pipe() throws -> (EmbeddedChannel, ScriptStdout) {
        let channel = EmbeddedChannel()
        let stdout = ScriptStdout(eventLoop: channel.embeddedEventLoop)
        try channel.pipeline.syncOperations.addHandler(stdout)
        return (channel, stdout)
    }

    @Test func restIsHandedOverOnlyAfterEndOfFile() throws {
        let (channel, stdout) = try Self.pipe()
        try channel.writeInbound(ByteBuffer(string: "one "))
        #expect(stdout.takeRestIfEnded() == nil)  // the script may write more
        try channel.writeInbound(ByteBuffer(string: "two"))
        channel.pipeline.fireChannelInactive()
        #expect(stdout.takeRestIfEnded()?.map { String(buffer: $0) } == ["one ", "two"])
        #expect(stdout.takeRestIfEnded() == [])  // taken once
    }

    @Test func aReadErrorIsNotAnEnd() throws {
        let (channel, stdout) = try Self.pipe()
        try channel.writeInbound(ByteBuffer(string: "part"))
        channel.pipeline.fireErrorCaught(IOError(errnoCode: 5, reason: "read"))
        channel.pipeline.fireChannelInactive()
        #expect(stdout.takeRestIfEnded() == nil)  // the streaming path reports it
    }
}
