#if canImport(Glibc)
import Glibc
#endif
import HearthProcess
import HearthWorkers

/// `hearth check`: what in a configuration would fail only once the server
/// runs — a file it names that is missing, a program that cannot be run,
/// an account that does not exist — found before a restart does. The
/// configuration itself is checked by loading it and building its site
/// (directories, auth files, a document root's interpreters and pools,
/// limits); these are the files that only start-up or a request opens.
public enum ConfigurationDoctor {
    /// One line per problem, naming the key (`cgi[0].interpreters.php`) and
    /// the file; empty when there is none.
    public static func findings(_ configuration: HearthConfiguration) -> [String] {
        logs(configuration) + programs(configuration) + accounts(configuration)
    }

    /// Each log file must be one the server can append to, or create.
    private static func logs(_ configuration: HearthConfiguration) -> [String] {
        var findings: [String] = []
        for (key, path) in [("access_log", configuration.accessLog), ("error_log", configuration.errorLog)] {
            guard let path, path != "-" else { continue }
            let directory = path.lastIndex(of: "/").map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
            let writable = access(path, F_OK) == 0 ? access(path, W_OK) == 0 : access(directory, W_OK | X_OK) == 0
            if !writable { findings.append(problem(key, "\(path) cannot be opened for appending (\(String(cString: strerror(errno)).lowercased()))", in: configuration)) }
        }
        return findings
    }

    /// Interpreters and worker programs must be executable files.
    private static func programs(_ configuration: HearthConfiguration) -> [String] {
        var programs: [(key: String, path: String)] = []
        for (prefix, mounts) in configuration.mountsOfEveryHost {
            for (index, mount) in mounts.cgiMounts.enumerated() {
                programs += mount.interpreters.sorted { $0.key < $1.key }.map { ("\(prefix)cgi[\(index)].interpreters.\($0.key)", $0.value) }
            }
            for (index, mount) in mounts.fastCGIMounts.enumerated() {
                if case .pool(let pool) = mount.backend, let program = pool.command.first { programs.append(("\(prefix)fastcgi[\(index)].command", program)) }
            }
        }
        return programs.compactMap { key, path in
            var info = stat()
            guard stat(path, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG || access(path, X_OK) != 0 else { return nil }
            return problem(key, "\(path) is not an executable file", in: configuration)
        }
    }

    /// `server.user` and `server.group` must exist (`run_as` accounts are
    /// checked as the file is read).
    private static func accounts(_ configuration: HearthConfiguration) -> [String] {
        var findings: [String] = []
        if let user = configuration.server.user, Privileges.lookUpUser(user) == nil {
            findings.append(problem("server.user", "no user named \(user)", in: configuration))
        }
        if let group = configuration.server.group, Privileges.lookUpGroup(group) == nil {
            findings.append(problem("server.group", "no group named \(group)", in: configuration))
        }
        return findings
    }

    /// `site.yaml:3:13: access_log: …` where the file says where the key is.
    private static func problem(_ key: String, _ message: String, in configuration: HearthConfiguration) -> String {
        configuration.origin(of: key).error(message).description
    }
}
