/// A connection opened on first use and shared afterwards; a failed open
/// is tried again by the next caller (the database may come up later).
actor OpenOnce<Value: Sendable> {
    private let open: @Sendable () async throws -> Value
    private var opening: Task<Value, any Error>?

    init(_ open: @escaping @Sendable () async throws -> Value) {
        self.open = open
    }

    func value() async throws -> Value {
        let task = opening ?? Task { try await open() }
        opening = task
        do {
            return try await task.value
        } catch {
            if opening == task { opening = nil }
            throw error
        }
    }

    /// The value if it was opened, for closing it; later calls open anew.
    func take() async -> Value? {
        defer { opening = nil }
        return try? await opening?.value
    }
}
