/* Text from scenario files and databases on its way to a terminal: control
 * characters shown as escapes so that a name can neither move the cursor,
 * recolour the screen nor break a line in two. */
#ifndef IOVSIM_ESCAPE_H
#define IOVSIM_ESCAPE_H

#include <glib.h>

/**
 * escape_controls - @s with every control character written out
 * \n, \r and \t as such, other C0 and C1 controls, DEL and bytes that are
 * not UTF-8 as \xNN; printable text (µ, ±) unchanged. Caller frees.
 */
char *escape_controls(const char *s);

/* The same, appended to @out. */
void escape_controls_append(GString *out, const char *s);

#endif
