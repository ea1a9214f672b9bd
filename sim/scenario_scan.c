/* The line scanner behind scenario loading, and the bounded file reader it
 * shares with empirical distributions. The accepted syntax is a strict
 * subset of GKeyFile's (no locale keys, no spaces inside keys, '#'
 * comments only), so a text that scans also loads into a GKeyFile. */
#include "scenario_scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "scenario.h"

static void scan_item_free(gpointer p)
{
    struct scan_item *it = p;

    g_free(it->group);
    g_free(it->key);
    g_free(it->value);
    g_free(it);
}

static bool is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
}

static bool is_name(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_name_char(s[i]))
            return false;
    return true;
}

/* "name" or "kind instance", each made of name characters. */
static bool is_group_name(const char *s, size_t len)
{
    const char *sp = memchr(s, ' ', len);

    if (!sp)
        return is_name(s, len);
    return is_name(s, (size_t)(sp - s)) && is_name(sp + 1, len - (size_t)(sp - s) - 1);
}

char *scan_full_key(const char *group, const char *key)
{
    char *full = g_strconcat(group, ".", key, NULL);

    g_strdelimit(full, " ", '.');
    return full;
}

static struct scan_item *new_item(enum scan_kind kind, int line, const char *group)
{
    struct scan_item *it = g_new0(struct scan_item, 1);

    it->kind = kind;
    it->line = line;
    it->group = g_strdup(group);
    return it;
}

/* One stripped, non-empty, non-comment line. */
static bool scan_line(char *s, int line, const char *fname, GPtrArray *items, char **group,
                      GHashTable *seen, GError **error)
{
    size_t len = strlen(s);
    char *eq;

    if (s[0] == '[') {
        if (s[len - 1] != ']' || !is_group_name(s + 1, len - 2)) {
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "%s:%d: malformed section header '%s'", fname, line, s);
            return false;
        }
        g_free(*group);
        *group = g_strndup(s + 1, len - 2);
        g_ptr_array_add(items, new_item(SCAN_GROUP, line, *group));
        return true;
    }
    eq = strchr(s, '=');
    if (!eq) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s:%d: line '%s' is not a [section], a key = value pair or a # comment", fname,
                    line, s);
        return false;
    }
    *eq = '\0';
    g_strchomp(s);
    if (!is_name(s, strlen(s))) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s:%d: malformed key '%s'", fname,
                    line, s);
        return false;
    }
    if (!*group) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s:%d: key '%s' is outside any [section]", fname, line, s);
        return false;
    }

    g_autofree char *full = scan_full_key(*group, s);
    /* "[plot a.b] c" and "[plot a] b.c" both spell plot.a.b.c: one key. */
    gpointer first = g_hash_table_lookup(seen, full);
    if (first) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "%s:%d: key '%s': duplicate (first set on line %d)", fname, line, full,
                    GPOINTER_TO_INT(first));
        return false;
    }
    g_hash_table_insert(seen, g_steal_pointer(&full), GINT_TO_POINTER(line));

    struct scan_item *it = new_item(SCAN_KEY, line, *group);
    it->key = g_strdup(s);
    it->value = g_strstrip(g_strdup(eq + 1));
    g_ptr_array_add(items, it);
    return true;
}

/* Blanks are spaces and tabs, and a line may end in CR (CRLF files): any
 * other control character (a form feed, a lone CR) is refused here, with
 * its line, rather than by GKeyFile without one. */
static bool check_controls(const char *line, int lineno, const char *fname, GError **error)
{
    for (const char *p = line; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if ((c < 0x20 && c != '\t' && !(c == '\r' && p[1] == '\0')) || c == 0x7f) {
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "%s:%d: control character 0x%02X (only spaces and tabs are blanks)", fname,
                        lineno, c);
            return false;
        }
    }
    return true;
}

GPtrArray *scan_text(const char *text, gsize len, const char *fname, GError **error)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(scan_item_free);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_auto(GStrv) lines = NULL;
    g_autofree char *group = NULL;

    if (memchr(text, '\0', len) || !g_utf8_validate_len(text, len, NULL)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "%s: not a text file", fname);
        return NULL;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (!check_controls(lines[i], i + 1, fname, error))
            return NULL;

        char *s = g_strstrip(lines[i]);

        if (*s == '\0' || *s == '#')
            continue;
        if (!scan_line(s, i + 1, fname, items, &group, seen, error))
            return NULL;
    }
    return g_steal_pointer(&items);
}

char *scan_read_file(const char *path, gsize max_bytes, gsize *len_out, GError **error)
{
    g_autoptr(GString) buf = NULL;
    char chunk[8192];
    size_t n;
    FILE *f;

    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "is a directory");
        return NULL;
    }
    /* A FIFO or a device would block or never end: only plain files. */
    if (g_file_test(path, G_FILE_TEST_EXISTS) && !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "not a regular file");
        return NULL;
    }
    f = fopen(path, "rb");
    if (!f) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "cannot read: %s", g_strerror(errno));
        return NULL;
    }
    buf = g_string_new(NULL);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf->len + n > max_bytes) {
            g_autofree char *limit = g_format_size_full(max_bytes, G_FORMAT_SIZE_IEC_UNITS);
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT, "too large (over %s)", limit);
            fclose(f);
            return NULL;
        }
        g_string_append_len(buf, chunk, (gssize)n);
    }
    if (ferror(f)) {
        int err = errno;
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_IO, "cannot read: %s", g_strerror(err));
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len_out = buf->len;
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
