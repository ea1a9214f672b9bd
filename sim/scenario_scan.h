/* Line-level view of a scenario file. GKeyFile keeps no line numbers and
 * silently keeps the last of two equal keys, so the loader scans the text
 * itself first: to point errors at lines and to reject duplicates. */
#ifndef IOVSIM_SCENARIO_SCAN_H
#define IOVSIM_SCENARIO_SCAN_H

#include <glib.h>

enum scan_kind {
    SCAN_GROUP, /* a [group] header */
    SCAN_KEY,   /* a key = value line */
};

/**
 * struct scan_item - one meaningful line
 * @line:  1-based line number
 * @group: the group name ("queue", "plot main"); for a key, its group
 * @key:   SCAN_KEY only: the key as written
 * @value: SCAN_KEY only: the raw text after '=', stripped
 */
struct scan_item {
    enum scan_kind kind;
    int line;
    char *group;
    char *key;
    char *value;
};

/**
 * scan_text - split @text (@len bytes) into groups and keys, in file order
 * Rejects NUL bytes and invalid UTF-8 ("FILE: not a text file"), control
 * characters other than tabs and a CR ending a line, lines that are neither
 * a group, a key = value pair nor a # comment, keys outside any group and
 * duplicate keys, each as "FILE:LINE: ..." with @fname as FILE.
 * Returns struct scan_item * elements (caller unrefs), or NULL and @error.
 */
GPtrArray *scan_text(const char *text, gsize len, const char *fname, GError **error);

/* The dotted name of a key in @group: "queue" + "servers" -> "queue.servers",
 * "plot main" + "x" -> "plot.main.x". Caller frees. */
char *scan_full_key(const char *group, const char *key);

/**
 * scan_read_file - the whole of @path, NUL-terminated, at most @max_bytes
 * Fails with a message naming the reason only ("cannot read: No such file
 * or directory", "is a directory", "too large (over 16MiB)"): the caller
 * prefixes the file. Code IOVSIM_ERROR_INPUT, or IOVSIM_ERROR_IO when the
 * file opened but reading it failed. Caller frees; *@len_out gets the size.
 */
char *scan_read_file(const char *path, gsize max_bytes, gsize *len_out, GError **error);

#endif
