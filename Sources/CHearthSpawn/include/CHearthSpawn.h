// GNU extensions that Swift's Glibc module does not expose (they need
// _GNU_SOURCE): close-on-exec pipes, two posix_spawn file actions and
// O_TMPFILE.
#ifndef CHEARTH_SPAWN_H
#define CHEARTH_SPAWN_H
#include <spawn.h>

int hearth_pipe_cloexec(int fds[2]);
int hearth_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int hearth_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// An unnamed temporary file in `directory` (O_TMPFILE), or -1.
int hearth_open_tmpfile(const char *directory);
#endif
