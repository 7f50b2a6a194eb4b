/// `count` bytes that do not repeat with any short period (the top byte of
/// a linear congruential sequence), so a misplaced offset, a lost chunk or
/// a doubled one shows when compared.
///
/// Written by a plain loop into the array's storage, not by `map`: tests
/// build unoptimized, where a closure call per byte costs about a second
/// per 5 MiB of the cooperative pool that the servers under test share.
public func patternBytes(_ count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        var state: UInt32 = 0x2545_F491
        var index = 0
        while index < count {
            state = state &* 1_664_525 &+ 1_013_904_223
            buffer[index] = UInt8(truncatingIfNeeded: state >> 24)
            index += 1
        }
        initialized = count
    }
}
