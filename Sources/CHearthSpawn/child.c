/* Starting a script: what posix_spawn does for Hearth, with less work per
 * child (bench/README.md, "Where Hearth's cold path spends its time").
 *
 * glibc's posix_spawn, given the attributes a CGI child needs (its own
 * process group, default dispositions, an empty mask), blocks every signal
 * in the parent, maps a fresh stack for the child and unmaps it after, and
 * has the child call sigaction for each of the 64 signals, because the
 * child shares the parent's memory until exec and must not run one of its
 * handlers. clone3's CLONE_CLEAR_SIGHAND (Linux 5.5) resets every handler
 * in the child as it is made, so the child has only the signals the server
 * ignores to set back to default, and none can run a handler of the
 * server's. The child's stack is mapped once per thread and kept: the
 * calling thread is suspended until the child has exec'd (CLONE_VFORK), so
 * no two children of one thread use it at once. And the child does not
 * copy the server's whole descriptor table only to close it (slots.c).
 *
 * Where clone3 is refused (a kernel before 5.5, a seccomp filter) or the
 * CPU is not x86-64, it is posix_spawn with the same attributes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "CHearthSpawn.h"
#include "slots.h"

/* A path forced by a test (hearth_spawn_force_path), else 0. */
static _Thread_local int forced_path;
/* The step of this thread's last failed spawn, for its error message. */
static _Thread_local const char *failed_step = "spawn";
const char *hearth_spawn_failed_step(void) { return failed_step; }
static _Thread_local pid_t failed_sibling;
pid_t hearth_spawn_failed_sibling(void) { return failed_sibling; }

/* Control groups, limits, other ids and CLONE_PARENT: only the clone3
 * child does them. */
static int confines(const struct hearth_spawn_spec *spec) {
    return spec->cgroup_count > 0 || spec->limit_count > 0 || spec->set_ids || spec->as_sibling;
}

#if defined(__x86_64__) && defined(SYS_clone3)
#include <linux/close_range.h>
#include <linux/sched.h>
#define HEARTH_CLONE3 1
#endif

/* ------------------------------------------------- posix_spawn (fallback) */

static pid_t spawn_with_posix_spawn(const struct hearth_spawn_spec *spec) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, spec->stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, spec->stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, spec->stderr_fd, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawn_file_actions_addchdir_np(&actions, spec->directory);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t every, none;
    sigfillset(&every);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &every);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    int result = posix_spawn(&pid, spec->path, &actions, &attributes, spec->argv, spec->envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return result == 0 ? pid : -result;
}

#ifdef HEARTH_CLONE3

/* -------------------------------------------------------- raw system calls */

/* The child shares the server's memory until its exec (CLONE_VM): it must
 * not enter the dynamic linker, which a first call through a lazily bound
 * PLT entry does (taking the linker's lock, perhaps held by a thread of
 * the server), nor set glibc's errno. So it calls no libc function at all:
 * these inline system calls return the result or -errno. */
static inline long raw_syscall(long number, long a, long b, long c, long d) {
    long result;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return result;
}

/* ------------------------------------------------------ signals to default */

/* The kernel's sigaction: glibc's wrapper refuses the two signals glibc
 * keeps for itself (32, 33), which a new program must get at default too. */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};
enum { kernel_signals = 64 };

static int raw_sigaction(int sig, const struct kernel_sigaction *new, struct kernel_sigaction *old) {
    return (int)raw_syscall(SYS_rt_sigaction, sig, (long)new, (long)old, sizeof(uint64_t));
}

static int is_ignored(int sig) {
    struct kernel_sigaction current;
    return raw_sigaction(sig, NULL, &current) == 0 && current.handler == SIG_IGN;
}

/* The signals this thread last saw ignored, looked up again at most once a
 * second: 64 sigaction calls per second instead of per child. A signal
 * ignored since then is reset too if it is one a server commonly ignores. */
static __thread uint64_t ignored_signals;
static __thread struct timespec ignored_looked_up;
static __thread int ignored_known;

static uint64_t signal_bit(int sig) { return UINT64_C(1) << (sig - 1); }

static uint64_t signals_to_default(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    if (ignored_known && now.tv_sec - ignored_looked_up.tv_sec < 1) return ignored_signals;
    static const int common[] = { SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM };
    uint64_t set = 0;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) set |= signal_bit(common[i]);
    for (int sig = 1; sig <= kernel_signals; sig++)
        if (is_ignored(sig)) set |= signal_bit(sig);
    ignored_signals = set;
    ignored_looked_up = now;
    ignored_known = 1;
    return set;
}

/* ----------------------------------------------------------------- the child */

struct child_arguments {
    const struct hearth_spawn_spec *spec;
    uint64_t defaults;  /* signals to set back to SIG_DFL */
    /* With CLONE_FILES: spec's descriptors are in a group of slots, and
     * the child keeps only the descriptors below `unshare_below`. */
    int unshare_below;
    int error;  /* written by the child before it exits; read once it has */
    int step;   /* which step failed, with `error` (enum child_step) */
    int unshare_failed;
    int without_close_range;  /* a test's switch: close descriptors one by one */
};

/* The steps of the child, named in the error of a failed spawn. */
enum child_step { step_unshare, step_cgroup, step_limit, step_setgroups, step_setresgid, step_setresuid, step_signals, step_setpgid, step_chdir, step_descriptors, step_close, step_execve };
static const char *const step_names[] = {
    "close_range(CLOSE_RANGE_UNSHARE)", "joining a control group", "setrlimit", "setgroups", "setresgid", "setresuid",
    "rt_sigprocmask", "setpgid", "chdir", "dup2", "close_range", "execve",
};


/* The control groups first, so that their caps hold for everything the
 * child does: "0" written to cgroup.procs moves the writer itself (v1
 * and v2 alike). */
static long join_cgroups(const struct hearth_spawn_spec *spec) {
    static const char zero[] = "0";
    for (int i = 0; i < spec->cgroup_count; i++) {
        long result = raw_syscall(SYS_write, spec->cgroup_procs[i], (long)zero, 1, 0);
        if (result != 1) return result < 0 ? result : -EIO;
    }
    return 0;
}

/* What bounds the child and who it becomes: rlimits while it may still
 * raise a hard limit, then the ids, groups before gid before uid, since
 * each call needs the privilege the ones after it give up. */
static long confine(const struct hearth_spawn_spec *spec, int *step) {
    long result = 0;
    *step = step_limit;
    for (int i = 0; i < spec->limit_count; i++) {
        struct { unsigned long long soft, hard; } limit;
        limit.soft = spec->limits[i].soft;
        limit.hard = spec->limits[i].hard;
        if ((result = raw_syscall(SYS_prlimit64, 0, spec->limits[i].resource, (long)&limit, 0)) != 0) return result;
    }
    if (!spec->set_ids) return 0;
    *step = step_setgroups;
    if ((result = raw_syscall(SYS_setgroups, spec->group_count, (long)spec->groups, 0, 0)) != 0) return result;
    *step = step_setresgid;
    if ((result = raw_syscall(SYS_setresgid, spec->gid, spec->gid, spec->gid, 0)) != 0) return result;
    *step = step_setresuid;
    return raw_syscall(SYS_setresuid, spec->uid, spec->uid, spec->uid, 0);
}

/* Closes every descriptor from 3 up. close_range(2) is Linux 5.9; where it
 * is missing or refused (an older kernel, a seccomp filter), each is closed
 * in turn up to the descriptor limit, as glibc's closefrom falls back to. */
static long close_from_3(int without_close_range) {
    long result = without_close_range ? -ENOSYS : raw_syscall(SYS_close_range, 3, ~0U, 0, 0);
    if (result != -ENOSYS && result != -EINVAL && result != -EPERM) return result;
    struct { unsigned long current, maximum; } limit;
    if (raw_syscall(SYS_getrlimit, RLIMIT_NOFILE, (long)&limit, 0, 0) != 0) return -EMFILE;
    unsigned long end = limit.current > (1UL << 20) ? (1UL << 20) : limit.current;
    for (unsigned long fd = 3; fd < end; fd++) raw_syscall(SYS_close, (long)fd, 0, 0, 0);
    return 0;
}

/* Runs in the child, on its own stack but in the parent's memory: only
 * inline system calls (raw_syscall), nothing that allocates, takes a lock
 * or goes through the PLT. An error is left in `error` for the parent
 * (CLONE_VFORK: it reads it after we are gone). */
static int child_main(void *raw) {
    struct child_arguments *arguments = raw;
    const struct hearth_spawn_spec *spec = arguments->spec;
    long result = 0;
    int step = step_cgroup;
    /* Writing to a control group's file leaves the descriptor table as it
     * is, so it comes before the table is unshared (which closes them). */
    if ((result = join_cgroups(spec)) != 0) goto failed;
    /* Then, before any descriptor is touched in the table it shares with
     * the server: a table of its own with the slots and 0-2 only. */
    step = step_unshare;
    if (arguments->unshare_below > 0) {
        result = raw_syscall(SYS_close_range, arguments->unshare_below, ~0U, CLOSE_RANGE_UNSHARE, 0);
        if (result != 0) {
            arguments->unshare_failed = 1;
            goto failed;
        }
    }
    if ((result = confine(spec, &step)) != 0) goto failed;
    /* Field by field: an aggregate initializer may become a call to
     * memset, through the PLT. */
    struct kernel_sigaction standard;
    standard.handler = SIG_DFL;
    standard.flags = 0;
    standard.restorer = NULL;
    standard.mask = 0;
    for (int sig = 1; sig <= kernel_signals; sig++)
        if (arguments->defaults & signal_bit(sig)) raw_sigaction(sig, &standard, NULL);
    const uint64_t none = 0;
    step = step_signals;
    if ((result = raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, sizeof none)) != 0) goto failed;
    step = step_setpgid;
    if ((result = raw_syscall(SYS_setpgid, 0, 0, 0, 0)) != 0) goto failed;
    step = step_chdir;
    if ((result = raw_syscall(SYS_chdir, (long)spec->directory, 0, 0, 0)) != 0) goto failed;
    int fds[3] = { spec->stdin_fd, spec->stdout_fd, spec->stderr_fd };
    step = step_descriptors;
    /* A source below 3 could be overwritten by an earlier dup2: move it up. */
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 3 && fds[i] != i) {
            if ((result = raw_syscall(SYS_fcntl, fds[i], F_DUPFD, 3, 0)) < 0) goto failed;
            fds[i] = (int)result;
        }
    }
    for (int i = 0; i < 3; i++) {
        /* dup2 onto itself would leave close-on-exec set. */
        result = fds[i] == i ? raw_syscall(SYS_fcntl, i, F_SETFD, 0, 0) : raw_syscall(SYS_dup2, fds[i], i, 0, 0) - i;
        if (result != 0) goto failed;
    }
    /* Nothing of the server's (sockets, other scripts' pipes) leaks in. */
    step = step_close;
    if ((result = close_from_3(arguments->without_close_range)) != 0) goto failed;
    step = step_execve;
    result = raw_syscall(SYS_execve, (long)spec->path, (long)spec->argv, (long)spec->envp, 0);
failed:
    arguments->error = result < 0 ? (int)-result : EIO;
    arguments->step = step;
    return 127;
}

/* clone3 with the child running `fn(arg)` on the stack given in `args`,
 * then exiting with its result; glibc's own clone3 is not public. The
 * syscall keeps every register but rax, rcx and r11, so the child finds
 * fn in rdx and arg in r8. */
long hearth_clone3(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);
__asm__(
    ".text\n"
    ".globl hearth_clone3\n"
    ".type hearth_clone3,@function\n"
    "hearth_clone3:\n"
    "    mov %rcx, %r8\n"
    "    mov $" "435" ", %eax\n" /* SYS_clone3 */
    "    syscall\n"
    "    test %rax, %rax\n"
    "    jz 1f\n"
    "    ret\n" /* the parent: the pid, or -errno */
    "1:  xor %ebp, %ebp\n"
    "    and $-16, %rsp\n"
    "    mov %r8, %rdi\n"
    "    call *%rdx\n"
    "    mov %eax, %edi\n"
    "    mov $60, %eax\n" /* SYS_exit */
    "    syscall\n"
    "    hlt\n"
    ".size hearth_clone3, .-hearth_clone3\n");
_Static_assert(SYS_clone3 == 435, "the trampoline's syscall number");

/* ------------------------------------------------------- the child's stack */

enum { child_stack_size = 64 * 1024, guard_size = 4096 };
static __thread void *child_stack;
static pthread_key_t stack_key;
static pthread_once_t stack_key_once = PTHREAD_ONCE_INIT;

static void unmap_stack(void *stack) { munmap(stack, child_stack_size); }
static void make_stack_key(void) { pthread_key_create(&stack_key, unmap_stack); }

/* This thread's child stack, a guard page below it; unmapped when the
 * thread exits. */
static void *thread_child_stack(void) {
    if (child_stack != NULL) return child_stack;
    void *stack = mmap(NULL, child_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return NULL;
    mprotect(stack, guard_size, PROT_NONE);
    pthread_once(&stack_key_once, make_stack_key);
    pthread_setspecific(stack_key, stack);
    return child_stack = stack;
}

static atomic_int clone3_refused;

/* The child's descriptors into a free group of slots, if there is one:
 * the group, or -1 (the child then copies the whole table). */
static int place_in_slots(const struct hearth_spawn_spec *spec, struct hearth_spawn_spec *placed) {
    *placed = *spec;
    if (forced_path == HEARTH_SPAWN_NO_SLOTS) return -1;
    int group = hearth_take_slots();
    const int fds[3] = { spec->stdin_fd, spec->stdout_fd, spec->stderr_fd };
    if (group < 0) return -1;
    if (hearth_fill_slots(group, fds) != 0) {
        hearth_return_slots(group);
        return -1;
    }
    const int *slot = hearth_slots(group);
    placed->stdin_fd = slot[0];
    placed->stdout_fd = slot[1];
    placed->stderr_fd = slot[2];
    return group;
}

/* The pid; -errno if the child could not be started or exec failed (it is
 * reaped then); 0 if clone3 is refused here. */
static pid_t spawn_with_clone3(const struct hearth_spawn_spec *spec) {
    void *stack = thread_child_stack();
    if (stack == NULL) return -errno;
    struct hearth_spawn_spec placed;
    int group = place_in_slots(spec, &placed);
    struct child_arguments arguments = {
        .spec = &placed, .defaults = signals_to_default(), .unshare_below = group >= 0 ? hearth_slots_end() : 0,
        .without_close_range = forced_path == HEARTH_SPAWN_WITHOUT_CLOSE_RANGE,
    };
    struct clone_args clone;
    memset(&clone, 0, sizeof clone);
    clone.flags = CLONE_VM | CLONE_VFORK | CLONE_CLEAR_SIGHAND | (group >= 0 ? CLONE_FILES : 0) | (spec->as_sibling ? CLONE_PARENT : 0);
    /* A sibling's exit signal is the one its parent's children already
     * send (clone3 wants 0 with CLONE_PARENT). */
    clone.exit_signal = spec->as_sibling ? 0 : SIGCHLD;
    clone.stack = (uint64_t)(uintptr_t)stack;
    clone.stack_size = child_stack_size;
    long pid = hearth_clone3(&clone, sizeof clone, child_main, &arguments);
    if (group >= 0) hearth_return_slots(group);
    if (pid == -ENOSYS || pid == -EINVAL || pid == -EPERM) return 0;
    if (pid < 0) {
        failed_step = "clone3";
        return (pid_t)pid;
    }
    if (arguments.error != 0) {
        failed_step = step_names[arguments.step];
        /* A sibling is our parent's to reap, not ours. */
        if (spec->as_sibling) {
            failed_sibling = (pid_t)pid;
            return -arguments.error;
        }
        int status;
        while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {}
        if (!arguments.unshare_failed) return -arguments.error;
        hearth_give_up_slots();  /* a kernel before 5.9 */
        return spawn_with_clone3(spec);
    }
    return (pid_t)pid;
}
#endif

void hearth_spawn_force_path(int path) { forced_path = path; }

int hearth_spawn_can_confine(void) {
#ifdef HEARTH_CLONE3
    return forced_path != HEARTH_SPAWN_POSIX_SPAWN && !atomic_load_explicit(&clone3_refused, memory_order_relaxed);
#else
    return 0;
#endif
}

/* posix_spawn cannot confine a child: refused, never started unconfined. */
static pid_t spawn_by_posix_spawn(const struct hearth_spawn_spec *spec) {
    if (confines(spec)) {
        failed_step = "clone3 (needed for limits, control groups and run_as)";
        return -ENOTSUP;
    }
    failed_step = "posix_spawn";
    return spawn_with_posix_spawn(spec);
}

pid_t hearth_spawn(const struct hearth_spawn_spec *spec) {
    failed_step = "spawn";
    failed_sibling = 0;
    if (forced_path == HEARTH_SPAWN_POSIX_SPAWN) return spawn_by_posix_spawn(spec);
#ifdef HEARTH_CLONE3
    if (!atomic_load_explicit(&clone3_refused, memory_order_relaxed)) {
        pid_t pid = spawn_with_clone3(spec);
        if (pid != 0) return pid;
        atomic_store_explicit(&clone3_refused, 1, memory_order_relaxed);
    }
#endif
    return spawn_by_posix_spawn(spec);
}
