/* "Did you mean ...?" for mistyped keys, sections, units and names. */
#ifndef IOVSIM_SUGGEST_H
#define IOVSIM_SUGGEST_H

#include <stddef.h>

/* Longer words get no suggestion: no key or name is this long, and the
 * distance costs the product of the lengths. */
#define SUGGEST_MAX_LEN 128

/* Edit distance with adjacent transpositions, ignoring ASCII case. */
size_t suggest_distance(const char *a, const char *b);

/**
 * suggest_closest - the candidate nearest to @word, or NULL if none is
 * close enough to be a plausible typo (at most about a third of @word's
 * letters changed). Ties keep the earlier candidate. Borrowed from
 * @candidates (@n strings).
 */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

/* Same with an explicit limit: at most @max_distance edits, and fewer than
 * @word has letters. For dotted keys, whose section inflates the length. */
const char *suggest_closest_within(const char *word, const char *const *candidates, size_t n,
                                   size_t max_distance);

#endif
