import Foundation
import HearthTesting
import Testing

/// `hearth serve` under systemd, played by the test: `Type=notify` with a
/// real datagram socket in `NOTIFY_SOCKET`, and socket activation by
/// Debian's `systemd-socket-activate` (docs/deploy.md).
@Suite struct SystemdNotifyTests {
    /// READY=1 comes once the server answers (its "listening" line is
    /// already in the log when the datagram arrives, and a request made on
    /// receipt is served); RELOADING=1 with MONOTONIC_USEC, then READY=1,
    /// around SIGHUP; STOPPING=1 after SIGTERM, before the exit. With an
    /// abstract socket (`@name`) and with one at a path.
    @Test(arguments: [true, false])
    func readyReloadingStopping(abstract: Bool) async throws {
        let directory = try ExecutableTests.makeSite()
        let notify = try NotifySocket(path: abstract ? nil : directory.path + "/notify")
        let hearth = try await HearthProcess.start(
            ["--config", "hearth.yaml"], workingDirectory: directory.path,
            environment: ProcessInfo.processInfo.environment.merging(["NOTIFY_SOCKET": notify.name]) { $1 }
        )
        defer { Processes.killSurvivors([hearth.pid]) }
        let ready = try #require(try await notify.receive())
        let logAtReady = hearth.errors
        #expect(ready == "READY=1\nSTATUS=serving on 127.0.0.1:\(hearth.port), 2 mounts")
        #expect(logAtReady.contains("listening on http://127.0.0.1:\(hearth.port)/"))
        #expect(try await rawRequest("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port).status == 200)

        kill(hearth.pid, SIGHUP)
        let reloading = try #require(try await notify.receive())
        let clock = try #require(reloading.wholeMatch(of: #/RELOADING=1\nMONOTONIC_USEC=(\d+)/#)?.1)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        #expect(try #require(Int64(clock)) <= Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)
        #expect(try await notify.receive() == ready)

        kill(hearth.pid, SIGTERM)
        #expect(try await notify.receive() == "STOPPING=1")
        #expect(try await hearth.exitStatus() == 0)
    }

    /// Without NOTIFY_SOCKET nothing is sent, and a script never sees the
    /// variable whatever the server's environment held.
    @Test func scriptsNeverSeeTheNotifySocket() async throws {
        let directory = try ExecutableTests.makeSite()
        try directory.write("cgi/env", Array("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nenv\n".utf8), mode: 0o755)
        let notify = try NotifySocket()
        let hearth = try await HearthProcess.start(
            ["--config", "hearth.yaml"], workingDirectory: directory.path,
            environment: ProcessInfo.processInfo.environment.merging(["NOTIFY_SOCKET": notify.name]) { $1 }
        )
        let response = try await rawRequest("GET /cgi-bin/env HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port)
        #expect(response.status == 200)
        #expect(!response.text.contains("NOTIFY_SOCKET"))
        #expect(try await hearth.terminate() == 0)
    }
}

/// Socket activation: `systemd-socket-activate -l 127.0.0.1:PORT hearth …`
/// binds the port and starts Hearth with it as descriptor 3.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate"), "needs systemd-socket-activate (Debian's systemd)"))
struct SocketActivationTests {
    static let activator = "/usr/bin/systemd-socket-activate"

    /// A request is answered on systemd's port; the port the flags name is
    /// never bound (systemd's sockets replace `server.host` and `port`);
    /// the log says where the socket came from; and the socket is held
    /// above the spawn's slots, close-on-exec, so no script inherits it.
    @Test func servesOnTheSocketSystemdPasses() async throws {
        let directory = try ExecutableTests.makeSite()
        let (port, unused) = (try RawConnection.unusedPort(), try RawConnection.unusedPort())
        // A shell stays between this process and the activator, which closes
        // every other descriptor and execs Hearth: Foundation's Process takes
        // the closing of its own descriptor for an exit and waits for the
        // pid, blocking every other Process of the test run meanwhile.
        let command = "\(Self.activator) -l 127.0.0.1:\(port) --fdname=web \(HearthProcess.executable) serve --config hearth.yaml --port \(unused); exit $?"
        async let started = HearthProcess.launch("/bin/sh", arguments: ["-c", command], workingDirectory: directory.path)
        // systemd-socket-activate starts Hearth on the first connection.
        #expect(await Processes.eventually(seconds: 30) { (try? RawConnection(port: port, timeoutSeconds: 1))?.close() != nil })
        let shell = try await started
        let hearth = try #require(Processes.children(of: shell.pid).first)
        defer { Processes.killSurvivors([hearth, shell.pid]) }
        #expect(shell.port == port)
        let response = try await rawRequest("POST /cgi-bin/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", port: port)
        #expect(response.status == 200)
        #expect(response.text == "hi")
        #expect(shell.errors.contains("socket activation: 1 listening socket(s) from systemd (web); server.host and server.port are not bound"))
        #expect(shell.errors.contains("listening on http://127.0.0.1:\(port)/ (an inherited socket)"))
        await #expect(throws: (any Error).self) { try await rawRequest("GET / HTTP/1.1\r\nHost: t\r\n\r\n", port: unused) }
        let listener = try #require(
            Self.listeningDescriptor(of: hearth, port: port),
            "\(Processes.descriptorTargets(of: hearth)); \((try? String(contentsOfFile: "/proc/\(hearth)/cmdline", encoding: .utf8)) ?? "?")"
        )
        #expect(listener.number >= 64, "moved out of the slots' way")
        #expect(listener.flags & 0o2000000 != 0, "O_CLOEXEC")
        kill(hearth, SIGTERM)
        #expect(try await shell.exitStatus() == 0)
    }

    /// A socket Hearth cannot serve HTTP on (a datagram socket here) stops
    /// the start-up with a line naming it, and exit status 1.
    @Test func aSocketThatIsNotListeningTCPIsRefused() async throws {
        let directory = try ExecutableTests.makeSite()
        let port = try RawConnection.unusedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(Self.activator) --datagram -l 127.0.0.1:\(port) \(HearthProcess.executable) serve --config hearth.yaml; exit $?"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // A datagram starts Hearth once the activator listens (one sent
        // before is lost: UDP), so one goes every poll until the exit.
        #expect(await Processes.eventually(seconds: 30) {
            Self.sendDatagram(to: port)
            return !process.isRunning
        })
        if process.isRunning { process.terminate() }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(text.contains("hearth: LISTEN_FDS: socket 1 of 1 is not a listening TCP socket"), "\(text)")
    }

    /// One UDP datagram to 127.0.0.1:`port`.
    static func sendDatagram(to port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, "x", 1, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// `LISTEN_PID` naming another process: the sockets are not Hearth's,
    /// and it binds its own port as usual.
    @Test func socketsMeantForAnotherProcessAreIgnored() async throws {
        let directory = try ExecutableTests.makeSite()
        let hearth = try await HearthProcess.start(
            ["--config", "hearth.yaml"], workingDirectory: directory.path,
            environment: ProcessInfo.processInfo.environment.merging(["LISTEN_PID": "1", "LISTEN_FDS": "1"]) { $1 }
        )
        #expect(try await rawRequest("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", port: hearth.port).status == 200)
        #expect(!hearth.errors.contains("socket activation"))
        #expect(try await hearth.terminate() == 0)
    }

    /// The descriptor of `pid` that is the TCP socket listening on `port`
    /// (from /proc/net/tcp's inode), and its open flags (/proc/PID/fdinfo).
    static func listeningDescriptor(of pid: Int32, port: Int) -> (number: Int, flags: Int)? {
        // Read to its end: procfs files have no size, and String(contentsOfFile:)
        // stops after a page when the table is longer (a busy test run).
        let table = String(decoding: FileHandle(forReadingAtPath: "/proc/net/tcp")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        let hexPort = String(format: ":%04X", port)
        guard let row = table.split(separator: "\n").map({ $0.split(separator: " ") }).first(where: { $0.count > 9 && $0[1].hasSuffix(hexPort) && $0[3] == "0A" })
        else { return nil }
        let target = "socket:[\(row[9])]"
        for entry in Processes.descriptorTargets(of: pid) where entry.hasSuffix(target) {
            let number = Int(entry.prefix { $0.isNumber })!
            let info = (try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(number)", encoding: .utf8)) ?? ""
            let flags = info.split(separator: "\n").first { $0.hasPrefix("flags:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) }
            return (number, flags ?? 0)
        }
        return nil
    }
}
