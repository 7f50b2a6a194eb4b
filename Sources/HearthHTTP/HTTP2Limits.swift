/// The limits of every HTTP/2 connection (`server.http2:`), one set for
/// all listeners. Defaults follow nginx where it has a knob and
/// swift-nio-http2 where it does not (docs/http2.md, "Limits").
public struct HTTP2Limits: Sendable, Equatable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open at
    /// once; one more is refused with RST_STREAM (REFUSED_STREAM). Default
    /// 128 (nginx's `http2_max_concurrent_streams`).
    public var maxConcurrentStreams: Int = 128
    /// SETTINGS_MAX_HEADER_LIST_SIZE: bytes of one request's header
    /// fields; a larger block ends the connection (GOAWAY). nil: the
    /// HTTP/1.1 head limit (`max_header_bytes`). Default nil.
    public var maxHeaderListSize: Int? = nil
    /// CONTINUATION frames in a row that may follow one HEADERS frame
    /// before the connection ends (GOAWAY ENHANCE_YOUR_CALM): the
    /// CONTINUATION flood, CVE-2024-27316. Default 5 (swift-nio-http2's).
    public var maxContinuationFrames: Int = 5
    /// RST_STREAM frames a client may send within `resetWindow` before the
    /// connection ends (GOAWAY ENHANCE_YOUR_CALM): the rapid-reset attack,
    /// CVE-2023-44487. Default 200 in 30 s (swift-nio-http2's).
    public var maxResets: Int = 200
    public var resetWindow: Duration = .seconds(30)

    public init() {}
}
