/* Descriptor slots: a few low descriptor numbers kept for children's
 * stdin, stdout and stderr (slots.c). */
#ifndef CHEARTH_SLOTS_H
#define CHEARTH_SLOTS_H

/* A free group of three slots for one spawn: its number, or -1. */
int hearth_take_slots(void);
/* The three descriptors of `group`. */
const int *hearth_slots(int group);
/* One past the highest slot: a child keeps the descriptors below. */
int hearth_slots_end(void);
/* Puts `fds` into the slots of `group`; 0, or -1 with errno set (the
 * group is still taken then: return it). */
int hearth_fill_slots(int group, const int fds[3]);
/* Puts the placeholder back, dropping the server's extra reference to
 * each child's end (its output would never end otherwise), and frees the
 * group. */
void hearth_return_slots(int group);
/* Stops using slots (the kernel cannot unshare a descriptor table). */
void hearth_give_up_slots(void);
#endif
