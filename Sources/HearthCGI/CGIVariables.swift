/// An ordered set of meta-variables. Names are case-insensitive and unique
/// (§4.1: "there cannot be two different variables whose names differ in
/// case only"); a later `set` replaces the value in place.
struct CGIVariables {
    private(set) var ordered: [(name: String, value: String)] = []
    private var indexByName: [String: Int] = [:]

    mutating func set(_ name: String, _ value: String) {
        // Nearly every name is already upper case: skip building a copy.
        let key = name.utf8.contains { (0x61...0x7A).contains($0) || $0 >= 0x80 } ? name.uppercased() : name
        if let index = indexByName[key] {
            ordered[index].value = value
        } else {
            indexByName[key] = ordered.count
            ordered.append((name, value))
        }
    }
}
