/* Descriptor slots: a few low descriptor numbers kept for children's
 * stdin, stdout and stderr (slots.c). */
#ifndef CHEARTH_SLOTS_H
#define CHEARTH_SLOTS_H

/* A free group of three slots for one spawn, the first of them, or -1. */
int hearth_take_slots(void);
/* One past the highest reserved descriptor: a child keeps those below. */
int hearth_slots_end(void);
/* Puts `fds` into the slots at `first`; 0, or -1 with errno set (the
 * group is still taken then: return it). */
int hearth_fill_slots(int first, const int fds[3]);
/* Puts the placeholder back, dropping the server's extra reference to
 * each child's end (its output would never end otherwise), and frees the
 * group. */
void hearth_return_slots(int first);
/* Stops using slots (the kernel cannot unshare a descriptor table). */
void hearth_give_up_slots(void);
#endif
