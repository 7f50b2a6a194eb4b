#define _GNU_SOURCE
#include "CHearthFiles.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

int hearth_open_without_symlinks(const char *path, int flags) {
#if defined(__linux__) && defined(SYS_openat2)
    struct open_how how = {.flags = (unsigned long long)flags, .mode = 0, .resolve = RESOLVE_NO_SYMLINKS};
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
#else
    (void)path;
    (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int hearth_has_no_symlinks(const char *path) {
#ifdef O_PATH
    int fd = hearth_open_without_symlinks(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return 0;
    close(fd);
    return 1;
#else
    (void)path;
    errno = ENOSYS;
    return 0;
#endif
}
