// What Swift's Glibc module cannot call: openat2(2) has no glibc wrapper,
// and syscall(2) is variadic, which Swift does not import.
#ifndef CHEARTH_FILES_H
#define CHEARTH_FILES_H

/// open(2) of `path` (relative to the working directory) that fails with
/// ELOOP when any component of it is a symbolic link: openat2(2) with
/// RESOLVE_NO_SYMLINKS (Linux 5.6). `flags` are open(2)'s, without O_CREAT.
/// -1 with errno set otherwise; ENOSYS where the kernel (or a seccomp
/// filter, which may say EPERM instead) has no openat2, and on other systems.
int hearth_open_without_symlinks(const char *path, int flags);

/// 1 when `path` exists and no component of it is a symbolic link (an
/// O_PATH open as above, closed again); 0 otherwise, errno set.
int hearth_has_no_symlinks(const char *path);

#endif
