// GNU extensions that Swift's Glibc module does not expose (they need
// _GNU_SOURCE): close-on-exec pipes, O_TMPFILE and pidfd_open; a listening
// Unix socket, whose sockaddr_un is clumsy in Swift; and starting a script
// (child.c), which needs clone3.
#ifndef CHEARTH_SPAWN_H
#define CHEARTH_SPAWN_H
#include <sys/types.h>

int hearth_pipe_cloexec(int fds[2]);

/// What a script is started with: argv and envp end with NULL; the three
/// descriptors become its 0, 1 and 2, and it gets nothing else.
struct hearth_spawn_spec {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *directory;
    int stdin_fd, stdout_fd, stderr_fd;
};

/// Starts `spec->path` in `spec->directory`, in a process group of its own,
/// with default signal dispositions and an empty signal mask, as
/// posix_spawn would (child.c says how it differs). Returns the pid, or
/// -errno if it could not be started or its exec failed.
pid_t hearth_spawn(const struct hearth_spawn_spec *spec);

/// Which way `hearth_spawn` starts a child: its own clone3 child where the
/// kernel allows it (the default), or glibc's posix_spawn. For tests that
/// hold every path to one contract; for the calling thread only.
/// HEARTH_SPAWN_NO_SLOTS: as when every group of descriptor slots is taken;
/// HEARTH_SPAWN_WITHOUT_CLOSE_RANGE: as on a kernel or under a seccomp
/// filter that refuses close_range (the descriptors are closed one by one).
enum { HEARTH_SPAWN_DEFAULT = 0, HEARTH_SPAWN_POSIX_SPAWN = 1, HEARTH_SPAWN_NO_SLOTS = 2, HEARTH_SPAWN_WITHOUT_CLOSE_RANGE = 3 };
void hearth_spawn_force_path(int path);

/// How many spawns at a time can use descriptor slots (slots.c): 0 if
/// descriptor 3 was taken when the program started.
int hearth_spawn_slot_groups(void);
/// An unnamed temporary file in `directory` (O_TMPFILE), or -1.
int hearth_open_tmpfile(const char *directory);
/// A close-on-exec Unix stream socket bound to `path` and listening, or -1
/// with errno set: the socket a FastCGI worker inherits as fd 0.
int hearth_listen_unix(const char *path, int backlog);
/// A descriptor that polls readable once the child `pid` has exited
/// (pidfd_open(2), Linux 5.3; always close-on-exec), or -1 with errno set.
int hearth_pidfd_open(pid_t pid);
/// The pid of a child that has exited, left unreaped (waitid with
/// WNOWAIT): 0 when none has, -1 when there are no children.
pid_t hearth_exited_child(void);
/// 1 when orphaned processes become this process's children: it is PID 1
/// (a container without an init) or a child subreaper.
int hearth_adopts_orphans(void);
/// setresuid/setresgid with all three ids the same (GNU: every thread of
/// the process changes, through glibc's SIGSETXID).
int hearth_setresuid(uid_t uid);
int hearth_setresgid(gid_t gid);
#endif
