/* Escaping control characters for terminal output. C1 controls (U+0080 to
 * U+009F) count too: ECMA-48 gives U+009B the meaning of ESC [ (CSI), and
 * some terminals act on it. */
#include "escape.h"

#include <string.h>

void escape_controls_append(GString *out, const char *s)
{
    const char *end = s + strlen(s);

    while (s < end) {
        gunichar c = g_utf8_get_char_validated(s, end - s);
        unsigned char b = (unsigned char)*s;

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append_printf(out, "\\x%02X", b);
            s++;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            g_string_append_c(out, '\\');
            g_string_append_c(out, c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
            s++;
        } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            const char *next = g_utf8_next_char(s);

            for (; s < next; s++)
                g_string_append_printf(out, "\\x%02X", (unsigned char)*s);
        } else {
            const char *next = g_utf8_next_char(s);

            g_string_append_len(out, s, next - s);
            s = next;
        }
    }
}

char *escape_controls(const char *s)
{
    GString *out = g_string_sized_new(strlen(s) + 8);

    escape_controls_append(out, s);
    return g_string_free(out, FALSE);
}
