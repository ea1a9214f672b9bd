/* The program's data directories, from /proc/self/exe: no build-time path
 * is compiled in, so a staged install (DESTDIR) and a moved tree work. */
#include "datadir.h"

#include <string.h>

#include <glib.h>

char *datadir_find(const char *sub, const char *probe)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = exe ? g_path_get_dirname(exe) : g_get_current_dir();
    const char *const up[] = { ".", "..", "../share/iovsim" };

    for (size_t i = 0; i < G_N_ELEMENTS(up); i++) {
        g_autofree char *joined = g_build_filename(dir, up[i], sub, NULL);
        char *d = g_canonicalize_filename(joined, NULL);
        g_autofree char *file = probe ? g_build_filename(d, probe, NULL) : NULL;

        if (probe ? g_file_test(file, G_FILE_TEST_IS_REGULAR) : g_file_test(d, G_FILE_TEST_IS_DIR))
            return d;
        g_free(d);
    }
    return NULL;
}

char *datadir_scenario(const char *arg)
{
    g_autofree char *dir = NULL;
    g_autofree char *with_ini = NULL;

    /* A path the user wrote is theirs, even a missing one. */
    if (strchr(arg, '/') || g_file_test(arg, G_FILE_TEST_EXISTS))
        return g_strdup(arg);
    with_ini = g_str_has_suffix(arg, ".ini") ? g_strdup(arg) : g_strconcat(arg, ".ini", NULL);
    dir = datadir_find("scenarios", with_ini);
    return dir ? g_build_filename(dir, with_ini, NULL) : g_strdup(arg);
}
