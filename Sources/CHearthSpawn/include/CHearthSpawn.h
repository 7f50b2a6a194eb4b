// GNU extensions that Swift's Glibc module does not expose (they need
// _GNU_SOURCE): close-on-exec pipes, two posix_spawn file actions and
// O_TMPFILE; pidfd_open; and a listening Unix socket, whose sockaddr_un is clumsy in Swift.
#ifndef CHEARTH_SPAWN_H
#define CHEARTH_SPAWN_H
#include <spawn.h>

int hearth_pipe_cloexec(int fds[2]);
int hearth_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int hearth_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// An unnamed temporary file in `directory` (O_TMPFILE), or -1.
int hearth_open_tmpfile(const char *directory);
/// A close-on-exec Unix stream socket bound to `path` and listening, or -1
/// with errno set: the socket a FastCGI worker inherits as fd 0.
int hearth_listen_unix(const char *path, int backlog);
/// A descriptor that polls readable once the child `pid` has exited
/// (pidfd_open(2), Linux 5.3; always close-on-exec), or -1 with errno set.
int hearth_pidfd_open(pid_t pid);
#endif
