// swift-tools-version: 6.2
// The hot rows' servers (bench/run hot): Hearth's hello handler in-process,
// and the Swift peers it is measured against. A package of its own, so that
// neither Hummingbird nor a release build of these slows the main package's
// build or CI. bench/run builds it with
// `swift build -c release --scratch-path .build-release` in this directory.
import PackageDescription

let package = Package(
    name: "hearth-bench-hot",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Hearth itself, the checkout this package sits in (named, since a path
        // dependency is otherwise known by its directory's name).
        .package(name: "Hearth", path: "../.."),
        // Traits off: swift-configuration and full Foundation play no part
        // in a hello, and would only lengthen the build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // Hearth's own versions (its Package.swift): nio-tls-hello.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
    ],
    targets: [
        // Hearth: the hello handler mounted with SiteBuilder (`site`), or
        // served by HearthApp.run (`standalone`).
        .executableTarget(
            name: "hearth-hot",
            dependencies: [
                .product(name: "Hearth", package: "Hearth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Hummingbird 2: a router with one GET route.
        .executableTarget(
            name: "hummingbird-hello",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Bare SwiftNIO: HTTP/1.1 channel handlers, no async/await.
        .executableTarget(
            name: "nio-hello",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Bare SwiftNIO on bench/tls's rows: TLS, HTTP/2 by ALPN, a 1 KiB body.
        .executableTarget(
            name: "nio-tls-hello",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
