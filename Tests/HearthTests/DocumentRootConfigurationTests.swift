import Foundation
import Hearth
import HearthStatic
import HearthTesting
import HearthWorkers
import Testing

/// `scripts`, `fallback`, `sendfile_roots` on `static` items and `name` on
/// `fastcgi` items (docs/configuration.md): read, and every bad value a
/// config error naming its key, line and column before anything listens.
@Suite struct DocumentRootConfigurationTests {
    /// A directory with `www/index.php`, `www/logo.png` and `site.yaml`.
    static func directory(_ yaml: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("www/index.php", "<?php echo 1;")
        try directory.write("www/logo.png", "png")
        try directory.write("outside.php", "<?php echo 2;")
        // No cgi mount: the default one's ./cgi-bin would depend on the
        // working directory.
        try directory.write("site.yaml", yaml + (yaml.hasSuffix("\n") ? "" : "\n") + "cgi: []\n")
        return directory
    }

    /// The error `hearth serve` would stop with: reading or building.
    static func failure(_ yaml: String) throws -> String {
        let directory = try directory(yaml)
        do {
            let configuration = try ConfigurationFile.load(path: directory.path + "/site.yaml")
            _ = try SiteBuilder(configuration: configuration).buildForExplaining(logger: TestLog.logger())
        } catch {
            return "\(error)".replacingOccurrences(of: directory.path + "/", with: "")
        }
        return "no error"
    }

    @Test func everyKeyReachesItsField() throws {
        let directory = try Self.directory("""
            static:
              - root: www
                index_files: [index.php, index.html]
                scripts: {PHP: /usr/bin/php-cgi, cgi: cgi, phtml: {fastcgi: php}}
                fallback: /index.php
                sendfile_roots: [www]
            fastcgi:
              - name: php
                command: /usr/bin/php-cgi
            """)
        let configuration = try ConfigurationFile.load(path: directory.path + "/site.yaml")
        let files = try #require(configuration.staticMounts.first)
        #expect(files.scripts == ["php": .interpreter("/usr/bin/php-cgi"), "cgi": .cgi, "phtml": .fastCGI("php")])
        #expect(files.indexFiles == ["index.php", "index.html"])
        #expect(files.fallback == "/index.php")
        #expect(files.sendfileRoots == [directory.path + "/www"])
        let pool = try #require(configuration.fastCGIMounts.first)
        #expect(pool.name == "php")
        #expect(!pool.isMounted)
        // A named item with a url is mounted there too.
        let mounted = try ConfigurationFile.parse(yaml: "fastcgi:\n  - name: p\n    url: /p\n    command: /bin/true\n", file: "t", baseDirectory: "/")
        #expect(mounted.fastCGIMounts.first?.isMounted == true)
        _ = try SiteBuilder(configuration: configuration).buildForExplaining(logger: TestLog.logger())
    }

    static let cases: [(yaml: String, error: String)] = [
        ("static:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi-missing}\n",
         "site.yaml:3:20: static[0].scripts.php: the interpreter /usr/bin/php-cgi-missing does not exist or is not executable"),
        ("static:\n  - root: www\n    scripts: {php: {fastcgi: nope}}\n",
         "site.yaml:3:20: static[0].scripts.php: no fastcgi item is named nope (none has a name:)"),
        ("fastcgi:\n  - name: php\n    command: /usr/bin/php-cgi\nstatic:\n  - root: www\n    scripts: {php: {fastcgi: phpp}}\n",
         "site.yaml:6:20: static[0].scripts.php: no fastcgi item is named phpp; named are php"),
        ("static:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi}\n    fallback: /missing.php\n",
         "site.yaml:4:15: static[0].fallback: /missing.php is not a file inside the root"),
        ("static:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi}\n    fallback: /logo.png\n",
         "site.yaml:4:15: static[0].fallback: /logo.png is not a script: its extension is not in scripts (.php)"),
        ("static:\n  - root: www\n    fallback: /index.php\n",
         "site.yaml:3:15: static[0].fallback: /index.php is not a script: its extension is not in scripts (none)"),
        ("static:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi}\n    fallback: /../outside.php\n",
         "site.yaml:4:15: static[0].fallback: expected a URL path to a script below the mount"),
        ("static:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi}\n    sendfile_roots: [www, nowhere]\n",
         "site.yaml:4:27: static[0].sendfile_roots[1]:"),
        ("static:\n  - root: www\n    scripts: {.php: /usr/bin/php-cgi}\n",
         "site.yaml:3:15: static[0].scripts..php: an extension is written without the dot"),
        ("static:\n  - root: www\n    scripts: {php: php-cgi}\n",
         "site.yaml:3:20: static[0].scripts.php: expected cgi, an interpreter's absolute path, or {fastcgi: NAME}"),
        ("static:\n  - root: www\n    scripts: {php: {pool: x}}\n",
         "site.yaml:3:20: static[0].scripts.php: expected cgi, an interpreter's absolute path, or {fastcgi: NAME}"),
        ("static:\n  - root: www\n    scripts: {cgi: cgi}\n    cgi: {run_as: nobody}\n",
         "site.yaml:4:11: static[0].cgi.run_as: unknown key \"run_as\"; allowed keys are max_body, spool_threshold"),
        ("static:\n  - root: www\n    scripts: {cgi: cgi}\n    cgi: {io_timeout: soon}\n",
         "site.yaml:4:23: static[0].cgi.io_timeout: expected a duration"),
        ("static:\n  - root: www\n    symlink_roots: [nowhere]\n",
         "site.yaml:3:21: static[0].symlink_roots[0]: nowhere is not a directory"),
        ("static:\n  - root: www\n    deny: [/inc, inc]\n",
         "site.yaml:3:18: static[0].deny[1]: expected a URL path below the mount, such as /inc, found"),
        ("static:\n  - root: www\n    deny: [/]\n",
         "site.yaml:3:12: static[0].deny[0]: expected a URL path below the mount, such as /inc, found"),
        ("static:\n  - root: www\n    deny: [/a/../b]\n",
         "site.yaml:3:12: static[0].deny[0]: expected a URL path below the mount, such as /inc, found"),
        ("fastcgi:\n  - name: a b\n    command: /bin/true\n",
         "site.yaml:2:11: fastcgi[0].name: a name is letters, digits"),
        ("fastcgi:\n  - name: p\n    command: /bin/true\n  - name: p\n    command: /bin/true\n",
         "site.yaml:4:11: fastcgi[1].name: another fastcgi item is named p"),
    ]

    @Test("a bad value is an error naming its key, line and column", arguments: cases.indices)
    func badValue(_ index: Int) throws {
        let (yaml, expected) = Self.cases[index]
        let error = try Self.failure(yaml)
        #expect(error.hasPrefix(expected), "\(error)")
    }

    @Test("a fallback that a symlink leads out of the root is refused")
    func fallbackOutsideTheRoot() throws {
        let directory = try Self.directory("static:\n  - root: www\n    scripts: {php: /usr/bin/php-cgi}\n    fallback: /out.php\n")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/www/out.php", withDestinationPath: "../outside.php")
        let configuration = try ConfigurationFile.load(path: directory.path + "/site.yaml")
        let error = #expect(throws: ConfigurationError.self) {
            _ = try SiteBuilder(configuration: configuration).buildForExplaining(logger: TestLog.logger())
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("static[0].fallback: /out.php is not a file inside the root") && text.contains("outside the root"), "\(text)")
    }
}
