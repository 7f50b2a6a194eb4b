/* Descriptor slots, so that starting a child costs the same whatever the
 * number of connections the server holds.
 *
 * A child made without CLONE_FILES gets a copy of the server's whole
 * descriptor table, and closes all of it but 0-2 before exec: about 90 ns
 * per descriptor, 90 µs per script with 1,000 connections open. A child
 * made with CLONE_FILES shares the table instead and, as its first act,
 * asks for a copy of only the descriptors below N (close_range with
 * CLOSE_RANGE_UNSHARE, Linux 5.9). Its stdin, stdout and stderr must then
 * be below N: groups of three slots among the lowest descriptor numbers,
 * reserved when the program starts, hold /dev/null between spawns. A
 * spawn takes a free group, puts the child's descriptors into it, and
 * after the child has exec'd puts /dev/null back and frees the group.
 *
 * Reserved only if descriptor 3 is free at start (nothing inherited
 * there, such as a socket-activation listener); otherwise, and while
 * every group is in use, a child copies the whole table as before. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <unistd.h>
#include "CHearthSpawn.h"
#include "slots.h"

enum { placeholder = 3, first_slot = 4, max_groups = 8 };

static int groups;  /* set once, before main */
static atomic_uint groups_taken;
static atomic_int given_up;

__attribute__((constructor)) static void reserve_slots(void) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd != placeholder) {
        if (fd >= 0) close(fd);
        return;
    }
    int end = first_slot;
    while (end < first_slot + 3 * max_groups && fcntl(end, F_GETFD) == -1 && errno == EBADF && dup3(placeholder, end, O_CLOEXEC) == end) end++;
    groups = (end - first_slot) / 3;
    for (int partial = first_slot + 3 * groups; partial < end; partial++) close(partial);
    if (groups == 0) close(placeholder);
}

/* A free group of three slots, taken for one spawn: its first slot, or -1
 * if every group is in use by a spawn on another thread. */
int hearth_take_slots(void) {
    if (atomic_load_explicit(&given_up, memory_order_relaxed)) return -1;
    unsigned taken = atomic_load(&groups_taken);
    for (int group = 0; group < groups; group++) {
        unsigned bit = 1U << group;
        while (!(taken & bit))
            if (atomic_compare_exchange_weak(&groups_taken, &taken, taken | bit)) return first_slot + 3 * group;
    }
    return -1;
}

int hearth_slots_end(void) { return first_slot + 3 * groups; }

int hearth_spawn_slot_groups(void) { return groups; }

int hearth_fill_slots(int first, const int fds[3]) {
    for (int i = 0; i < 3; i++)
        if (dup3(fds[i], first + i, O_CLOEXEC) != first + i) return -1;
    return 0;
}

void hearth_return_slots(int first) {
    for (int i = 0; i < 3; i++) dup3(placeholder, first + i, O_CLOEXEC);
    atomic_fetch_and(&groups_taken, ~(1U << ((first - first_slot) / 3)));
}

void hearth_give_up_slots(void) { atomic_store(&given_up, 1); }
