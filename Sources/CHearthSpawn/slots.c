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
 * Reserved by the program, first thing (hearth_prepare_process), only if
 * descriptor 3 is free then (nothing inherited there, such as a
 * socket-activation listener); otherwise, and while every group is in
 * use, a child copies the whole table as before. A library that links
 * this file reserves nothing by itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <unistd.h>
#include "CHearthSpawn.h"
#include "slots.h"

enum { placeholder = 3, max_groups = 8, search_end = 64 };

/* Set once, before any spawn: the slots, three per group, and one past
 * the highest of them. */
static int slots[3 * max_groups];
static int groups;
static int end;
static atomic_uint groups_taken;
static atomic_int given_up;

static int is_free(int fd) { return fcntl(fd, F_GETFD) == -1 && errno == EBADF; }

/* The free descriptors above the placeholder, skipping any inherited one
 * (a shell may leave one open at 10), up to a bounded search. */
void hearth_reserve_spawn_slots(void) {
    static atomic_flag reserved = ATOMIC_FLAG_INIT;
    if (atomic_flag_test_and_set(&reserved)) return;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd != placeholder) {
        if (fd >= 0) close(fd);
        return;
    }
    int count = 0;
    for (int candidate = placeholder + 1; candidate < search_end && count < 3 * max_groups; candidate++)
        if (is_free(candidate) && dup3(placeholder, candidate, O_CLOEXEC) == candidate) slots[count++] = candidate;
    groups = count / 3;
    for (int partial = 3 * groups; partial < count; partial++) close(slots[partial]);
    end = groups > 0 ? slots[3 * groups - 1] + 1 : 0;
    if (groups == 0) close(placeholder);
}

/* A free group of slots, taken for one spawn: its number, or -1 if every
 * group is in use by a spawn on another thread. */
int hearth_take_slots(void) {
    if (atomic_load_explicit(&given_up, memory_order_relaxed)) return -1;
    unsigned taken = atomic_load(&groups_taken);
    for (int group = 0; group < groups; group++) {
        unsigned bit = 1U << group;
        while (!(taken & bit))
            if (atomic_compare_exchange_weak(&groups_taken, &taken, taken | bit)) return group;
    }
    return -1;
}

const int *hearth_slots(int group) { return &slots[3 * group]; }

int hearth_slots_end(void) { return end; }

int hearth_spawn_slot_groups(void) { return groups; }

int hearth_fill_slots(int group, const int fds[3]) {
    const int *slot = hearth_slots(group);
    for (int i = 0; i < 3; i++)
        if (dup3(fds[i], slot[i], O_CLOEXEC) != slot[i]) return -1;
    return 0;
}

void hearth_return_slots(int group) {
    const int *slot = hearth_slots(group);
    for (int i = 0; i < 3; i++) dup3(placeholder, slot[i], O_CLOEXEC);
    atomic_fetch_and(&groups_taken, ~(1U << group));
}

void hearth_give_up_slots(void) { atomic_store(&given_up, 1); }
