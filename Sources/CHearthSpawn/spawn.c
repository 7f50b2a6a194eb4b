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

/* The privileged spawner's socket (PrivilegedSpawner.swift): one message a
 * request or reply, descriptors passed with SCM_RIGHTS. */
int hearth_socketpair_seqpacket(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}

enum { max_passed_fds = 16 };

ssize_t hearth_send_with_fds(int socket, const void *bytes, size_t length, const int *fds, int fd_count) {
    if (fd_count < 0 || fd_count > max_passed_fds) { errno = EINVAL; return -1; }
    struct iovec part = { (void *)bytes, length };
    union { char buffer[CMSG_SPACE(sizeof(int) * max_passed_fds)]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    if (fd_count > 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * fd_count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * fd_count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * fd_count);
    }
    ssize_t sent;
    while ((sent = sendmsg(socket, &message, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
    return sent;
}

ssize_t hearth_receive_with_fds(int socket, void *bytes, size_t capacity, int *fds, int max_fds, int *fd_count) {
    struct iovec part = { bytes, capacity };
    union { char buffer[CMSG_SPACE(sizeof(int) * max_passed_fds)]; struct cmsghdr align; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof control.buffer;
    *fd_count = 0;
    ssize_t received;
    while ((received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (received < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *passed = (int *)CMSG_DATA(header);
        for (int i = 0; i < count; i++) {
            if (*fd_count < max_fds) fds[(*fd_count)++] = passed[i];
            else close(passed[i]);
        }
    }
    /* A message cut short would be misread: refuse it whole. */
    if (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        for (int i = 0; i < *fd_count; i++) close(fds[i]);
        *fd_count = 0;
        errno = EMSGSIZE;
        return -1;
    }
    return received;
}

int hearth_set_undumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

#include <signal.h>

/* What a program that starts children needs of its whole process, set by
 * the program (never by linking this library): SIGPIPE ignored, so that a
 * script that exits before reading its input makes our next write EPIPE
 * rather than the end of the server; SIGCHLD not ignored, since while it
 * is (a disposition that survives exec from a careless parent) the kernel
 * reaps children itself and their exit statuses are lost; and the
 * descriptor slots (slots.c), while descriptor 3 is still free. */
void hearth_prepare_process(void) {
    signal(SIGPIPE, SIG_IGN);
    struct sigaction current;
    if (sigaction(SIGCHLD, NULL, &current) == 0 && (current.sa_handler == SIG_IGN || (current.sa_flags & SA_NOCLDWAIT))) {
        struct sigaction standard;
        memset(&standard, 0, sizeof standard);
        standard.sa_handler = SIG_DFL;
        sigaction(SIGCHLD, &standard, NULL);
    }
    hearth_reserve_spawn_slots();
}
