#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "CHearthSpawn.h"

int hearth_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int hearth_open_tmpfile(const char *directory) {
    return open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int hearth_listen_unix(const char *path, int backlog) {
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof address.sun_path) { errno = ENAMETOOLONG; return -1; }
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

#include <sys/syscall.h>

int hearth_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#include <sys/prctl.h>
#include <sys/wait.h>

pid_t hearth_exited_child(void) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -1;
    return info.si_pid;
}

int hearth_adopts_orphans(void) {
    int subreaper = 0;
    if (getpid() == 1) return 1;
    return prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0) == 0 && subreaper != 0;
}

int hearth_setresuid(uid_t uid) { return setresuid(uid, uid, uid); }
int hearth_setresgid(gid_t gid) { return setresgid(gid, gid, gid); }
