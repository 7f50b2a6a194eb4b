/* spawn-ceiling: how many CGI programs one core can start, run and reap per
 * second with nothing else in the way — the ceiling of a cold CGI path.
 *
 *   spawn-ceiling [-d SECONDS] [-i BODY_FILE] PROGRAM
 *
 * In a loop for SECONDS (default 5): posix_spawn PROGRAM in a process group
 * of its own with default signal dispositions (as Hearth does), its stdout
 * and stderr on pipes, its stdin on a pipe carrying the contents of
 * BODY_FILE (or on an empty pipe); write the body and read both outputs to
 * end of file with poll(2); waitpid. It prints one line:
 *
 *   spawns/s=1093.2 spawns=5467 seconds=5.001 output_bytes=22 cpu=99%
 *
 * output_bytes is the stdout size of the last run (a check that the program
 * really ran). cpu is the CPU time of this program and of its children over
 * the elapsed time: well under 100 % on one core means something else took
 * the core. Pin it to one core with `taskset -c 0`. Build: cc -O2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec + children.ru_stime.tv_sec)
        + (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what, int code) {
    fprintf(stderr, "spawn-ceiling: %s: %s\n", what, strerror(code));
    exit(1);
}

static char *read_file(const char *path, size_t *length) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(path, errno);
    struct stat st;
    if (fstat(fd, &st) != 0) die(path, errno);
    char *data = malloc((size_t)st.st_size + 1);
    size_t have = 0;
    while (have < (size_t)st.st_size) {
        ssize_t n = read(fd, data + have, (size_t)st.st_size - have);
        if (n <= 0) die(path, n < 0 ? errno : EIO);
        have += (size_t)n;
    }
    close(fd);
    *length = have;
    return data;
}

int main(int argc, char **argv) {
    double seconds = 5;
    const char *body_path = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "d:i:")) != -1) {
        if (opt == 'd') seconds = atof(optarg);
        else if (opt == 'i') body_path = optarg;
        else { fprintf(stderr, "usage: spawn-ceiling [-d SECONDS] [-i BODY_FILE] PROGRAM\n"); return 2; }
    }
    if (optind != argc - 1 || seconds <= 0) {
        fprintf(stderr, "usage: spawn-ceiling [-d SECONDS] [-i BODY_FILE] PROGRAM\n");
        return 2;
    }
    const char *program = argv[optind];
    size_t body_length = 0;
    char *body = body_path ? read_file(body_path, &body_length) : NULL;

    /* A CGI-like environment, small like the one Hearth builds. */
    char content_length[64];
    snprintf(content_length, sizeof content_length, "CONTENT_LENGTH=%zu", body_length);
    char script_filename[4096];
    snprintf(script_filename, sizeof script_filename, "SCRIPT_FILENAME=%s", program);
    char *envp[] = {
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "GATEWAY_INTERFACE=CGI/1.1",
        "SERVER_PROTOCOL=HTTP/1.1",
        "SERVER_SOFTWARE=spawn-ceiling",
        "SERVER_NAME=127.0.0.1",
        "SERVER_PORT=80",
        "REMOTE_ADDR=127.0.0.1",
        body ? "REQUEST_METHOD=POST" : "REQUEST_METHOD=GET",
        body ? "CONTENT_TYPE=application/octet-stream" : "QUERY_STRING=",
        content_length,
        "SCRIPT_NAME=/cgi-bin/script",
        script_filename,
        NULL,
    };
    char *child_argv[] = {(char *)program, NULL};

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    signal(SIGPIPE, SIG_IGN);

    static char buffer[65536];
    size_t last_output = 0;
    long spawns = 0;
    double start = now(), elapsed = 0, cpu_start = cpu_seconds();
    do {
        int in[2], out[2], err[2];
        if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) die("pipe2", errno);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        pid_t pid;
        int rc = posix_spawn(&pid, program, &actions, &attributes, child_argv, envp);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) die(program, rc);
        close(in[0]); close(out[1]); close(err[1]);

        /* Feed stdin and drain stdout and stderr until all three are done. */
        size_t written = 0, output = 0;
        int in_fd = in[1], out_fd = out[0], err_fd = err[0];
        if (body_length == 0) { close(in_fd); in_fd = -1; }
        else fcntl(in_fd, F_SETFL, O_NONBLOCK);
        while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
            struct pollfd fds[3] = {
                {.fd = in_fd, .events = POLLOUT},
                {.fd = out_fd, .events = POLLIN},
                {.fd = err_fd, .events = POLLIN},
            };
            if (poll(fds, 3, -1) < 0) { if (errno == EINTR) continue; die("poll", errno); }
            if (in_fd >= 0 && fds[0].revents) {
                ssize_t n = write(in_fd, body + written, body_length - written);
                if (n > 0) written += (size_t)n;
                if ((n < 0 && errno != EAGAIN) || written == body_length) { close(in_fd); in_fd = -1; }
            }
            if (out_fd >= 0 && fds[1].revents) {
                ssize_t n = read(out_fd, buffer, sizeof buffer);
                if (n > 0) output += (size_t)n;
                else if (n == 0 || errno != EINTR) { close(out_fd); out_fd = -1; }
            }
            if (err_fd >= 0 && fds[2].revents) {
                ssize_t n = read(err_fd, buffer, sizeof buffer);
                if (n <= 0 && (n == 0 || errno != EINTR)) { close(err_fd); err_fd = -1; }
            }
        }
        int status;
        while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) die("waitpid", errno);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "spawn-ceiling: %s exited with status %d\n", program, status);
            return 1;
        }
        last_output = output;
        spawns++;
        elapsed = now() - start;
    } while (elapsed < seconds);

    printf("spawns/s=%.1f spawns=%ld seconds=%.3f output_bytes=%zu cpu=%.0f%%\n", (double)spawns / elapsed, spawns, elapsed,
           last_output, 100 * (cpu_seconds() - cpu_start) / elapsed);
    return 0;
}
