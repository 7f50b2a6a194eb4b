// swift-tools-version: 6.1
// Hearth: a CGI host that grows into persistent Swift handlers.
// Layering (DESIGN.md): every dependency arrow points down; a layer never
// imports a sibling or anything above it.
import PackageDescription

let package = Package(
    name: "Hearth",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Hearth", targets: ["Hearth"]),
        .library(name: "HearthCGI", targets: ["HearthCGI"]),
        // The lean runner alone: what a Swift CGI program needs to start
        // fast (no Foundation, no Yams, no libmagic; docs/migrating.md).
        .library(name: "HearthRun", targets: ["HearthRun"]),
        // The tutorial's handler (docs/migrating.md, step 4): a package of
        // your own imports it to mount the guestbook hot.
        .library(name: "Guestbook", targets: ["Guestbook"]),
        .executable(name: "guestbook", targets: ["guestbook"]),
        .executable(name: "hearth", targets: ["hearth"]),
    ],
    // SE-0450 package traits. PostgreSQL (the session store for several
    // instances behind a load balancer) is off by default: a server that
    // keeps sessions in memory or SQLite does not compile PostgreSQL's
    // client (docs/performance.md, "Build"). `swift build --traits
    // PostgreSQL` turns it on; the README's test command does.
    traits: [
        .trait(name: "PostgreSQL", description: "The PostgreSQL session store (sessions.store: postgres)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // MD5 and SHA-1 for Apache's `$apr1$` and `{SHA}` htpasswd hashes
        // (HearthAuth); HMAC-SHA256 for signed cookies (HearthSessions).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The session stores DESIGN.md names: SQLite on disk (shared by the
        // server and its workers) and PostgreSQL (many instances).
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Server pages (HearthPages): the Mustache engine DESIGN.md names,
        // spec-compliant, no Foundation-only features we would miss.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // TLS for the site's listeners (issue 25): BoringSSL through NIO's
        // own channel handler, linked only by HearthTLS (see there).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // HTTP/2 (issue 25, item 3): framing, HPACK, flow control and the
        // per-stream HTTP/1 codec, driven by HearthHTTP under the same
        // Responder as HTTP/1.1.
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        // The admin listener's /metrics (issue 24): swift-metrics is the API
        // the server counts through, swift-prometheus the backend that
        // renders the Prometheus text format. Only the `Hearth` target and
        // the executable import them; lower targets count through seams.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Layer 0: the RFC 3875 model. Standard library only, no I/O.
        .target(name: "HearthCGI"),

        // Layer 0: the RFC 3875 conformance suite's machinery. Black-box: it
        // imports no hearth target, so it can score any server.
        .target(
            name: "HearthConformanceKit",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Layer 0: one waiting-queue type for every scarce thing a request
        // waits for (script slots, pool workers, session locks).
        .target(name: "HearthWaiting", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // libmagic (Debian libmagic-dev): content types of files without a
        // known extension, and the checks of `hearth doctor`.
        .systemLibrary(name: "CLibMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),

        // Layer 1: the HTTP/1.1 server and its single Responder seam.
        .target(
            name: "HearthHTTP",
            dependencies: [
                // RequestPath: the one reading of a URL path (layer 0).
                "HearthCGI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                // NIOLock where every request takes a lock (HTTPDate,
                // RequestNotes): Synchronization's Mutex asks the kernel
                // for the thread's id (gettid) on each lock on Linux.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // ALPN's answer (an event type only: no TLS library is linked).
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Layer 1½: TLS on a listener (certificates, SNI, reload, what a
        // script sees of the session). Apart from HearthHTTP so that a CGI
        // program built with HearthRun, which links HearthHTTP, does not
        // link BoringSSL: HearthHTTP offers the seam (`ListenerSecurity`),
        // this target fills it, and only `Hearth` links it.
        .target(
            name: "HearthTLS",
            dependencies: [
                "HearthHTTP",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // libxcrypt (Debian libcrypt-dev): crypt_r for bcrypt and DES crypt
        // htpasswd hashes, the algorithms Apache itself calls.
        .systemLibrary(name: "CHearthCrypt", providers: [.apt(["libcrypt-dev"])]),

        // Layer 1½: Basic authentication (RFC 7617): credentials, htpasswd
        // verifiers, access rules, and the wrapper responder that protects a
        // mount. Above HearthHTTP (it is a Responder) and below HearthWeb,
        // whose publisher will protect objects and functions with the same
        // verifiers.
        .target(
            name: "HearthAuth",
            dependencies: [
                "HearthHTTP", "CHearthCrypt",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Layer 1: the FastCGI 1.0 wire format (records, name-value pairs,
        // streams). ByteBuffer only: no event loops, no sockets.
        .target(
            name: "HearthFastCGI",
            dependencies: [
                "HearthCGI",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // Layer 1: starting and reaping processes (scripts and workers
        // alike): the spawn, the reaper, process groups. Its own target so
        // that the gateway and the worker pools both import it, neither
        // the other for it.
        .target(name: "CHearthSpawn"),
        .target(name: "HearthProcess", dependencies: ["CHearthSpawn"]),

        // Layer 1½: the one relay of a script's CGI output (RFC 3875 §6)
        // to the client, whichever door it came through: a cold script's
        // stdout or a FastCGI worker's STDOUT records. Head parsing, the
        // response-field rules, the output cap, HEAD, the end of a cut-off
        // answer, local redirects and X-Sendfile (through the
        // `ScriptFileSender` seam HearthStatic fills) live here once, below
        // both doors, so neither imports the other for them.
        .target(name: "HearthRelay", dependencies: [
            "HearthHTTP", "HearthCGI", .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
        ]),

        // Layer 1½: what both doors of a script share on the way in: a
        // CGI mount's settings (`CGIMountConfiguration`), the request as
        // RFC 3875 sees it (`CGIRequestMapping`), the body's preparation
        // (`ScriptInput`, `BodySpool`), the slot limiter, and the seam by
        // which a CGI directory hands its `*.fcgi` scripts to the pools
        // (`WarmScripts`). Below both doors, so neither imports the other.
        .target(name: "HearthScripts", dependencies: [
            "HearthHTTP", "HearthCGI", "HearthRelay", "HearthProcess", "HearthWaiting", "CHearthSpawn",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // Layer 2: responders.
        .target(
            name: "HearthGateway",
            dependencies: ["HearthHTTP", "HearthCGI", "HearthRelay", "HearthScripts", "HearthProcess", "CHearthSpawn"]
        ),
        // Layer 2: warm pools. The answer goes out through HearthRelay and
        // the request comes in through HearthScripts, as a cold script's do.
        .target(
            name: "HearthWorkers",
            dependencies: [
                "HearthScripts", "HearthRelay", "HearthHTTP", "HearthCGI", "HearthFastCGI", "HearthProcess", "HearthWaiting", "CHearthSpawn",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Layer 2: the hot toolkit, the handler API every temperature shares,
        // and the in-process adapter (a Responder).
        .target(
            name: "HearthWeb",
            dependencies: [
                // HearthRelay: X-Sendfile from a hot handler is sent as a
                // script's is (ScriptFileSender).
                "HearthCGI", "HearthHTTP", "HearthRelay",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Layer 2½: the publisher, mod_python's most loved handler: URLs to
        // Swift functions, form fields to a Decodable arguments type, Basic
        // authentication per object and per function with HearthAuth's
        // verifiers. A HearthHandler, so it runs hot, warm or cold.
        .target(
            name: "HearthPublisher",
            dependencies: [
                "HearthWeb", "HearthAuth",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Layer 2½: `HearthApp.run(handler)`, one binary at three
        // temperatures: CGI child, FastCGI worker, or its own HTTP server.
        // Kept apart from `Hearth` so a CGI program links neither Yams (and
        // with it Foundation) nor libmagic: cold start is its cost.
        .target(
            name: "HearthRun",
            dependencies: [
                "HearthWeb", "HearthFastCGI", "HearthCGI", "HearthHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Layer 2½: signed cookies and server-side sessions for handlers at
        // every temperature, with their stores. Apart from HearthWeb and
        // HearthRun so that a plain CGI program links neither SQLite nor
        // PostgreSQL (cold start is measured).
        .target(
            name: "HearthSessions",
            dependencies: [
                "HearthWeb", "HearthWaiting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // openat2(2), which the static path opens files with when no
        // symlink lies on the way (FileResolver): it has no glibc wrapper.
        .target(name: "CHearthFiles"),
        .target(
            name: "HearthStatic",
            dependencies: [
                // HearthCGI is layer 0: its RFC 3986 percent-decoder is shared,
                // so a URL path is decoded the same way for scripts and files.
                "HearthHTTP", "HearthCGI", "CLibMagic", "CHearthFiles",
                // HearthRelay: the seam through which a script's X-Sendfile
                // reaches the static rules (`ScriptFileSender`).
                "HearthRelay",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Layer 2½: server pages, Mustache templates under a static root
        // rendered at their URL. Above HearthStatic (its path rules and
        // resolver decide which file a URL names, for pages as for files)
        // and HearthWeb (a page is a hot handler: request, form, cookies).
        .target(
            name: "HearthPages",
            dependencies: [
                "HearthWeb", "HearthStatic", "HearthHTTP", "HearthCGI",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Layer 3: the library users import, and the executable.
        .target(
            name: "Hearth",
            dependencies: [
                "HearthHTTP", "HearthGateway", "HearthScripts", "HearthRelay", "HearthWorkers", "HearthStatic", "HearthCGI", "HearthProcess", "CLibMagic",
                "HearthWeb", "HearthRun", "HearthAuth", "HearthPublisher", "HearthPages", "HearthSessions", "HearthTLS",
                .product(name: "Yams", package: "Yams"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // The admin listener's responder writes its own answers, on
                // an event loop of its own.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "hearth",
            dependencies: [
                "Hearth", "HearthConformanceKit", "HearthProcess", "HearthGateway",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The conformance probes as one FastCGI application, for running the
        // suite through the warm path (conformance/README.md "Warm").
        // Blocking socket I/O around the pure child state machine.
        .executableTarget(name: "hearth-warm-probe", dependencies: ["HearthFastCGI", "HearthRun"]),

        // The example (issue #6): a guestbook written once as a handler
        // (library, so the tests can mount the same value hot) and its
        // three-temperature binary.
        .target(
            name: "Guestbook",
            dependencies: ["HearthWeb", "HearthCGI", .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Examples/Guestbook/Guestbook"
        ),
        .executableTarget(name: "guestbook", dependencies: ["Guestbook", "HearthRun"], path: "Examples/Guestbook/guestbook"),
        // Hot: the same handler in a user's own server (docs/migrating.md).
        .executableTarget(name: "guestbook-server", dependencies: ["Guestbook", "Hearth"], path: "Examples/Guestbook/guestbook-server"),

        // The publisher's example (issue #7): an address book published
        // from one Swift type (library, so tests can mount it in-process),
        // and its server, which the docs' curl examples run against.
        .target(
            name: "AddressBook", dependencies: ["HearthPublisher", "HearthAuth", "HearthWeb", .product(name: "Logging", package: "swift-log")],
            path: "Examples/AddressBook/AddressBook"
        ),
        .executableTarget(
            name: "addressbook-server", dependencies: ["AddressBook", "Hearth", .product(name: "Logging", package: "swift-log")],
            path: "Examples/AddressBook/addressbook-server"
        ),

        // Sessions at two temperatures (docs/sessions.md): a per-session
        // visit counter written once (library, mounted hot by the tests) and
        // its `HearthApp.run` binary, which runs warm in a pool with the
        // SQLite store.
        .target(
            name: "SessionCounter",
            dependencies: ["HearthWeb", "HearthSessions"],
            path: "Examples/SessionCounter/SessionCounter"
        ),
        .executableTarget(
            name: "session-counter", dependencies: ["SessionCounter", "HearthSessions", "HearthRun"],
            path: "Examples/SessionCounter/session-counter"
        ),

        // The test binary's process-wide settings, as `hearth` sets its own
        // in main (ProcessSettings): the only constructor in the package.
        .target(name: "CHearthTestSetup", dependencies: ["CHearthSpawn"], path: "Tests/CHearthTestSetup"),
        // One helper library for every test distance: live servers on port 0,
        // a raw TCP client, process and fd inspection.
        .target(
            name: "HearthTesting",
            dependencies: [
                "Hearth", "CHearthTestSetup",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/HearthTesting"
        ),
        .testTarget(name: "HearthCGITests", dependencies: ["HearthCGI"]),
        .testTarget(name: "HearthWaitingTests", dependencies: ["HearthWaiting"]),
        .testTarget(name: "HearthFastCGITests", dependencies: ["HearthFastCGI"]),
        .testTarget(name: "HearthHTTPTests", dependencies: ["HearthHTTP", "HearthTesting", .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(
            name: "HearthGatewayTests",
            dependencies: ["HearthGateway", "HearthScripts", "HearthProcess", "CHearthSpawn", "HearthTesting", .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(name: "HearthProcessTests", dependencies: ["HearthProcess", "CHearthSpawn", "HearthTesting"]),
        .testTarget(name: "HearthWorkersTests", dependencies: ["HearthWorkers", "HearthFastCGI", "HearthProcess", "HearthTesting"]),
        .testTarget(name: "HearthStaticTests", dependencies: ["HearthStatic", "HearthTesting"]),
        .testTarget(name: "HearthTests", dependencies: ["Hearth", "HearthTesting", "HearthConformanceKit", "Guestbook"]),
        .testTarget(name: "HearthConformanceKitTests", dependencies: ["HearthConformanceKit", "HearthTesting"]),
        .testTarget(name: "HearthWebTests", dependencies: ["HearthWeb", "HearthTesting"]),
        .testTarget(name: "HearthAuthTests", dependencies: ["HearthAuth", "HearthTesting"]),
        .testTarget(name: "HearthSessionsTests", dependencies: ["HearthSessions", "HearthTesting", "SessionCounter"]),
        .testTarget(name: "HearthPublisherTests", dependencies: ["HearthPublisher", "HearthTesting", "AddressBook"]),
        .testTarget(
            name: "HearthPagesTests",
            dependencies: [
                "HearthPages", "HearthWeb", "HearthStatic", "HearthTesting",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
