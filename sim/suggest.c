/* Typo suggestions: optimal-string-alignment edit distance (insertions,
 * deletions, substitutions and swaps of neighbours, each costing 1),
 * case-insensitive. Quadratic, so only words up to SUGGEST_MAX_LEN
 * characters get suggestions, and only candidates whose length is within
 * the allowed distance are measured. */
#include "suggest.h"

#include <string.h>

#include <glib.h>

size_t suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    /* Three rows: the one before last is needed for transpositions. */
    g_autofree size_t *rows = g_new(size_t, 3 * (lb + 1));
    size_t *pp = rows, *p = rows + lb + 1, *c = rows + 2 * (lb + 1);

    for (size_t j = 0; j <= lb; j++)
        p[j] = j;
    for (size_t i = 1; i <= la; i++) {
        c[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            char ca = g_ascii_tolower(a[i - 1]), cb = g_ascii_tolower(b[j - 1]);
            size_t best = MIN(p[j] + 1, c[j - 1] + 1);

            best = MIN(best, p[j - 1] + (ca != cb));
            if (i > 1 && j > 1 && ca == g_ascii_tolower(b[j - 2]) &&
                g_ascii_tolower(a[i - 2]) == cb)
                best = MIN(best, pp[j - 2] + 1);
            c[j] = best;
        }
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[lb];
}

const char *suggest_closest_within(const char *word, const char *const *candidates, size_t n,
                                   size_t max_distance)
{
    size_t len = strlen(word);
    const char *best = NULL;
    size_t best_d = 0;

    /* The distance is quadratic: a megabyte of key would take seconds. */
    if (len > SUGGEST_MAX_LEN)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t lc = strlen(candidates[i]);
        size_t d;

        /* The lengths alone put it out of reach. */
        if ((lc > len ? lc - len : len - lc) > max_distance)
            continue;
        d = suggest_distance(word, candidates[i]);

        if (d <= max_distance && d < len && (!best || d < best_d)) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
    return suggest_closest_within(word, candidates, n, CLAMP(strlen(word) / 3, 1, 4));
}
