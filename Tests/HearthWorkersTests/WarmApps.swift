import Foundation
import Hearth
import HearthHTTP
import HearthTesting
import HearthWorkers
import Logging
import Testing

/// The real FastCGI applications the warm tests run: a Perl CGI::Fast app
/// (Debian libcgi-fast-perl) and PHP pages run by php-cgi.
enum WarmApps {
    /// php-cgi in its own external-server mode (`php-cgi -b SOCKET`), as
    /// php-fpm would be: a FastCGI server Hearth did not start. Returns
    /// once the socket exists; the caller kills it (SIGKILL) and waits.
    static func startPHPServer(socket: String) async throws -> Process {
        let php = Process()
        php.executableURL = URL(fileURLWithPath: phpCGI)
        php.arguments = ["-b", socket]
        php.environment = ["PATH": "/usr/bin:/bin", "PHP_FCGI_MAX_REQUESTS": "0"]
        try php.run()
        #expect(await Processes.eventually { FileManager.default.fileExists(atPath: socket) })
        return php
    }

    /// Counts its requests; `?mark=PATH` writes its pid to PATH (so a test
    /// knows the request reached it), `?sleep=S` then sleeps, `?stderr=TEXT` writes TEXT to
    /// stderr, `?exit=N` exits mid-request; answers with its pid and count.
    static let perlCounter = #"""
        #!/usr/bin/perl
        use strict;
        use warnings;
        use CGI::Fast;
        $| = 1;
        my $count = 0;
        while (my $q = CGI::Fast->new) {
            $count++;
            my $query = $ENV{QUERY_STRING} // '';
            if ($query =~ /mark=([\w\/.-]+)/) { open(my $f, '>', $1) or die; print $f $$; close $f; }
            if ($query =~ /sleep=([\d.]+)/) { select(undef, undef, undef, $1); }
            if ($query =~ /stderr=(\w+)/) { print STDERR "$1\n"; }
            if ($query =~ /exit=(\d+)/) { exit $1; }
            my $body = $q->param('body') // '';
            print "Content-Type: text/plain\r\nX-Worker-Pid: $$\r\n\r\n";
            print "count=$count pid=$$ script=$ENV{SCRIPT_NAME} path=" . ($ENV{PATH_INFO} // '') . " body=$body\n";
        }
        """#

    /// Exits at once with status 3 after a line on stderr: a worker that
    /// can never start (a missing module, a bad config).
    static let perlBroken = #"""
        #!/usr/bin/perl
        print STDERR "cannot open /etc/app.conf: No such file\n";
        exit 3;
        """#

    /// Accepts FastCGI connections on fd 0 and answers in HTTP instead: a
    /// program that is not a FastCGI application at all.
    static let perlNotFastCGI = #"""
        #!/usr/bin/perl
        use strict;
        open(my $listen, '+<&=', 0) or die "fd 0: $!";
        while (accept(my $client, $listen)) {
            my $request;
            sysread($client, $request, 65536);
            syswrite($client, "HTTP/1.0 200 OK\r\n\r\nhello\n");
            close($client);
        }
        """#

    static let phpPage = #"""
        <?php
        header('Content-Type: text/plain');
        header('X-Worker-Pid: ' . getmypid());
        if (isset($_GET['redirect'])) { header('Location: /warm/php/page.php?from=redirect'); exit; }
        if (isset($_GET['stderr'])) { error_log('php says ' . $_GET['stderr']); }
        echo 'pid=' . getmypid() . ' method=' . $_SERVER['REQUEST_METHOD'] . ' script=' . $_SERVER['SCRIPT_NAME'];
        echo ' from=' . ($_GET['from'] ?? '') . ' posted=' . ($_POST['field'] ?? '') . "\n";
        """#

    static var phpCGI: String { "/usr/bin/php-cgi" }

    /// A quiet logger that still records warnings and errors.
    static func logger(_ capture: LogCapture) -> Logger {
        var logger = capture.logger()
        logger.logLevel = .notice
        return logger
    }
}

extension RawResponse {
    /// The worker pid the apps put in a header.
    var workerPID: Int32? { header("X-Worker-Pid").flatMap { Int32($0) } }
}

/// Pool settings small enough for tests.
func testPool(_ configure: (inout WorkerPoolConfiguration) -> Void = { _ in }) -> WorkerPoolConfiguration {
    var pool = WorkerPoolConfiguration()
    pool.minProcesses = 1
    pool.maxProcesses = 1
    pool.killGrace = .milliseconds(200)
    configure(&pool)
    return pool
}
