import Foundation

/// Throwaway certificates made with the real `openssl` for the TLS tests:
/// a CA, and leaves it signs for a name (with SAN), with the serial given,
/// valid now or long expired.
public struct TestCertificates: Sendable {
    public let directory: String

    /// Makes the CA (`ca.pem`, `ca.key`) in `directory`.
    public init(in directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
        try "unique_subject = no\n".write(toFile: directory + "/index.txt.attr", atomically: true, encoding: .utf8)
        try Self.caConfig.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Hearth Test CA"])
    }

    /// `NAME.pem` and `NAME.key`: a leaf for `host` (and 127.0.0.1),
    /// serial `serial` (hex), expired when `expired`.
    @discardableResult
    public func leaf(_ name: String, host: String, serial: String, expired: Bool = false) throws -> (certificate: String, key: String) {
        try "\(serial)\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
        try "subjectAltName=DNS:\(host),IP:127.0.0.1\n".write(toFile: directory + "/\(name).ext", atomically: true, encoding: .utf8)
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
                     "-out", "\(name).csr", "-subj", "/CN=\(host)"])
        let dates = expired ? ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"] : ["-days", "2"]
        try openssl(["ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "\(name).csr",
                     "-out", "\(name).pem", "-notext", "-extfile", "\(name).ext"] + dates)
        return (directory + "/\(name).pem", directory + "/\(name).key")
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try ProgramOutput.run("/usr/bin/openssl", arguments, in: directory)
        guard result.status == 0 else { throw RawClientError.malformed("openssl \(arguments.joined(separator: " ")): \(result.output)") }
    }

    private static let caConfig = """
        [ca]
        default_ca = c
        [c]
        database = index.txt
        new_certs_dir = .
        serial = serial
        default_md = sha256
        policy = p
        [p]
        commonName = supplied

        """
}

/// A real TLS client: `openssl s_client` (what was negotiated, which
/// certificate came) and `curl --cacert` (a verified HTTPS request).
public enum TLSClient {
    /// `openssl s_client` with `arguments`, its session printed: the
    /// exit status and everything it wrote.
    public static func handshake(port: Int, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try ProgramOutput.run("/bin/sh", ["-c", "echo | timeout 20 openssl s_client -connect 127.0.0.1:\(port) " + arguments.joined(separator: " ") + " 2>&1"])
    }

    /// The certificate's serial the server sent for `serverName`, e.g. `1001`.
    public static func serial(port: Int, serverName: String) throws -> String? {
        let output = try ProgramOutput.run("/bin/sh", ["-c", "echo | timeout 20 openssl s_client -connect 127.0.0.1:\(port) -servername \(serverName) 2>/dev/null | openssl x509 -noout -serial"]).output
        return output.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// GET over verified HTTPS with curl: the head and body curl printed.
    public static func get(_ path: String, host: String = "localhost", port: Int, caFile: String, extra: [String] = []) throws -> (status: Int32, output: String) {
        try ProgramOutput.run("/usr/bin/curl", ["-sS", "-i", "--max-time", "20", "--cacert", caFile, "--resolve", "\(host):\(port):127.0.0.1"] + extra + ["https://\(host):\(port)\(path)"])
    }
}
