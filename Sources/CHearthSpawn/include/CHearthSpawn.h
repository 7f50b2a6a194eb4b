// GNU extensions that Swift's Glibc module does not expose (they need
// _GNU_SOURCE): close-on-exec pipes, O_TMPFILE and pidfd_open; a listening
// Unix socket, whose sockaddr_un is clumsy in Swift; and starting a script
// (child.c), which needs clone3.
#ifndef CHEARTH_SPAWN_H
#define CHEARTH_SPAWN_H
#include <sys/types.h>

int hearth_pipe_cloexec(int fds[2]);

/// One resource limit (setrlimit(2)) set in the child before its exec.
struct hearth_spawn_limit {
    int resource;
    unsigned long long soft, hard;
};

/// What a script is started with: argv and envp end with NULL; the three
/// descriptors become its 0, 1 and 2, and it gets nothing else.
struct hearth_spawn_spec {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *directory;
    int stdin_fd, stdout_fd, stderr_fd;
    /// Control groups the child joins before anything else: descriptors of
    /// their `cgroup.procs` files, into each of which it writes "0".
    const int *cgroup_procs;
    int cgroup_count;
    /// Limits set before the ids change (a raised hard limit needs root).
    const struct hearth_spawn_limit *limits;
    int limit_count;
    /// With `set_ids`: setgroups(groups), setresgid(gid), setresuid(uid),
    /// in that order, so that nothing of the spawner's identity is left.
    int set_ids;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    int group_count;
    /// The child becomes a child of the spawner's parent (CLONE_PARENT):
    /// the privileged spawner starts scripts that its server reaps.
    int as_sibling;
};

/// Starts `spec->path` in `spec->directory`, in a process group of its own,
/// with default signal dispositions and an empty signal mask, as
/// posix_spawn would (child.c says how it differs). Returns the pid, or
/// -errno if it could not be started or its exec failed. Control groups,
/// limits, ids and `as_sibling` need the clone3 path: without it they are
/// refused with ENOTSUP, never ignored. Which step failed is left in
/// `hearth_spawn_failed_step` (a static string, for the error message).
pid_t hearth_spawn(const struct hearth_spawn_spec *spec);
/// The step of this thread's last failed spawn ("execve", "setresuid"…).
const char *hearth_spawn_failed_step(void);
/// With `as_sibling`, a child whose exec failed is the parent's to reap:
/// its pid (0 if none).
pid_t hearth_spawn_failed_sibling(void);

/// Which way `hearth_spawn` starts a child: its own clone3 child where the
/// kernel allows it (the default), or glibc's posix_spawn. For tests that
/// hold every path to one contract; for the calling thread only.
/// HEARTH_SPAWN_NO_SLOTS: as when every group of descriptor slots is taken;
/// HEARTH_SPAWN_WITHOUT_CLOSE_RANGE: as on a kernel or under a seccomp
/// filter that refuses close_range (the descriptors are closed one by one).
enum { HEARTH_SPAWN_DEFAULT = 0, HEARTH_SPAWN_POSIX_SPAWN = 1, HEARTH_SPAWN_NO_SLOTS = 2, HEARTH_SPAWN_WITHOUT_CLOSE_RANGE = 3 };
void hearth_spawn_force_path(int path);
/// 1 when a spawn can confine its child (limits, control groups, ids):
/// the clone3 path is built in (x86-64) and the kernel has not refused it.
int hearth_spawn_can_confine(void);

/// The process-wide settings a program that starts children needs (spawn.c
/// says which and why): its executable calls this first thing, through
/// `ProcessSettings.prepare()`. Idempotent.
void hearth_prepare_process(void);
/// Reserves the descriptor slots (slots.c) if descriptor 3 is free; once.
void hearth_reserve_spawn_slots(void);

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
/// The privileged spawner's socket: a close-on-exec SOCK_SEQPACKET pair.
int hearth_socketpair_seqpacket(int fds[2]);
/// One message with up to 16 descriptors (SCM_RIGHTS); never SIGPIPE.
ssize_t hearth_send_with_fds(int socket, const void *bytes, size_t length, const int *fds, int fd_count);
/// One message and its descriptors (close-on-exec, at most `max_fds`; the
/// rest closed); -1 with EMSGSIZE for a message cut short.
ssize_t hearth_receive_with_fds(int socket, void *bytes, size_t capacity, int *fds, int max_fds, int *fd_count);
/// prctl(PR_SET_DUMPABLE, 0): no core, no ptrace by a process of another uid.
int hearth_set_undumpable(void);
#endif
