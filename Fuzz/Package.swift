// swift-tools-version: 6.0
// The libFuzzer target over HearthFastCGI, kept out of the main package so that `swift build` / `swift test` there
// neither build nor slow down for it. See docs/fuzzing.md for the commands.
//
// HearthFastCGI is not a product of the main package (and that manifest stays as it is), so `.package(path: "..")`
// cannot reach it: Sources/HearthFastCGI and Sources/HearthCGI here are symlinks to the very same source folders.
import PackageDescription

let package = Package(
    name: "HearthFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3")
    ],
    targets: [
        .target(name: "HearthCGI"),
        .target(name: "HearthFastCGI", dependencies: ["HearthCGI", .product(name: "NIOCore", package: "swift-nio")]),
        // Declares libFuzzer's LLVMFuzzerRunDriver (see its header for why the fuzzer starts the driver itself).
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "FastCGIFuzzer",
            dependencies: ["HearthFastCGI", "CLibFuzzer", .product(name: "NIOCore", package: "swift-nio")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
