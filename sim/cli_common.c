/* What every subcommand shares: interrupt handling, error reporting,
 * option parsing, default paths. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "scenario.h"
#include "suggest.h"
#include "sweep.h"
#include "units.h"

volatile sig_atomic_t cli_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_catch_interrupts(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    /* A second Ctrl-C kills at once; SQLite's journal still protects the file. */
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* An error line longer than this (a 10 MB value quoted whole) loses its
 * middle: its start names the file, line and key, its end what was expected. */
#define LINE_SHOWN_MAX 4096
#define LINE_HEAD      2048
#define LINE_TAIL      1024

void cli_print_line(const char *msg)
{
    /* One line, always, and nothing a terminal acts on: a name from a
     * database or a file may hold a newline or an escape sequence. */
    g_autofree char *shown = escape_controls(msg);
    size_t len = strlen(shown);

    if (len > LINE_SHOWN_MAX) {
        /* Cut at character boundaries: escape_controls() gives UTF-8. */
        const char *head_end = g_utf8_find_prev_char(shown, shown + LINE_HEAD + 1);
        const char *tail = g_utf8_find_next_char(shown + len - LINE_TAIL - 1, NULL);

        fprintf(stderr, "%.*s[... %zu bytes left out ...]%s\n", (int)(head_end - shown), shown,
                (size_t)(tail - head_end), tail);
        return;
    }
    fprintf(stderr, "%s\n", shown);
}

int cli_fail(GError *error)
{
    int status = 2;
    /* The documented rule (README, "Exit status"): 2 bad input, 1 a file or
     * database that could not be read or written, 130 interrupted. */
    if (error && error->domain == IOVSIM_ERROR && error->code == IOVSIM_ERROR_INTERRUPTED)
        status = 130;
    else if (error && error->domain == IOVSIM_ERROR && error->code == IOVSIM_ERROR_IO)
        status = 1;
    cli_print_line(error ? error->message : "iovsim: unknown error");
    g_clear_error(&error);
    return status;
}

/* "--name" of an argument GOption did not know, or NULL: the first "--"
 * word (up to an '=') that @ctx's help does not list. */
static char *unknown_long_option(GOptionContext *ctx, int argc, char **argv, GPtrArray *known)
{
    g_autofree char *help = g_option_context_get_help(ctx, FALSE, NULL);

    for (const char *p = strstr(help, "--"); p; p = strstr(p + 2, "--")) {
        size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");

        if (n)
            g_ptr_array_add(known, g_strndup(p, n + 2));
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (!g_str_has_prefix(argv[i], "--"))
            continue;
        g_autofree char *name = g_strndup(argv[i], strcspn(argv[i], "="));
        if (!g_ptr_array_find_with_equal_func(known, name, g_str_equal, NULL))
            return g_steal_pointer(&name);
    }
    return NULL;
}

bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, GError **error)
{
    g_option_context_set_help_enabled(ctx, TRUE);
    g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *bad = unknown_long_option(ctx, *argc, *argv, known);

    if (!g_option_context_parse(ctx, argc, argv, error)) {
        const char *near =
            bad && g_error_matches(*error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION)
                ? suggest_closest(bad, (const char *const *)known->pdata, known->len)
                : NULL;

        /* The command's own options, as the program's are (main.c). */
        if (near) {
            g_clear_error(error);
            g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                        "iovsim %s: unknown option '%s' (did you mean '%s'?)", (*argv)[0], bad,
                        near);
            return false;
        }
        g_prefix_error(error, "iovsim: ");
        (*error)->domain = IOVSIM_ERROR;
        (*error)->code = IOVSIM_ERROR_INPUT;
        return false;
    }
    return true;
}

void cli_error_origin(GError *error, const char *option)
{
    const char *set = "--set: ";

    if (error && g_str_has_prefix(error->message, set)) {
        char *msg = g_strconcat(option, ": ", error->message + strlen(set), NULL);

        g_free(error->message);
        error->message = msg;
    }
}

char *cli_default_db(const char *scenario_name)
{
    return g_strdup_printf("results/%s.db", scenario_name);
}

struct scenario *cli_load_scenario(const char *path, char **sets, const char *seed,
                                   const char *reps, GError **error)
{
    g_autoptr(GPtrArray) ovr = g_ptr_array_new_with_free_func(g_free);
    struct scenario *sc;

    for (size_t i = 0; sets && sets[i]; i++)
        g_ptr_array_add(ovr, g_strdup(sets[i]));
    if (seed)
        g_ptr_array_add(ovr, g_strconcat("scenario.seed=", seed, NULL));
    g_ptr_array_add(ovr, NULL);
    sc = scenario_load(path, (const char *const *)ovr->pdata, error);
    /* The seed is applied last: an error about it came from --seed. */
    if (!sc && seed && error && *error && strstr((*error)->message, "'scenario.seed'") &&
        g_str_has_prefix((*error)->message, "--set"))
        cli_error_origin(*error, "--seed");
    if (sc && reps) {
        if (!scenario_set(sc, "scenario.reps", reps, error)) {
            cli_error_origin(*error, "--reps");
            scenario_free(sc);
            return NULL;
        }
    }
    return sc;
}

/* sweep_scenario() validates each point as a whole. */
bool cli_check_sweep(const struct scenario *sc, uint64_t mem_limit, size_t *points,
                     size_t *excluded, GError **error)
{
    struct sweep *sw = sweep_new(sc, NULL, NULL, NULL, error);
    bool ok = sw != NULL;

    for (size_t p = 0; ok && p < sweep_n_points(sw); p++) {
        struct scenario *point = sweep_scenario(sw, p, error);

        if (!point || !scenario_check_mem(point, mem_limit, error)) {
            g_autofree char *label = sweep_label(sw, p);
            g_prefix_error(error, "sweep point '%s': ", label);
            ok = false;
        }
        scenario_free(point);
    }
    if (points)
        *points = sw ? sweep_n_points(sw) : 0;
    if (excluded)
        *excluded = sw ? sweep_n_excluded(sw) : 0;
    sweep_free(sw);
    return ok;
}

bool cli_mem_limit(const char *text, uint64_t *out, GError **error)
{
    double bytes;

    if (!text) {
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

        /* Half the machine: the rest is for the system, the page cache and
         * SQLite; 0 (no limit) where the size is unknown. */
        *out = pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size / 2 : 0;
        return true;
    }
    if (!unit_parse(text, DIM_SIZE, &bytes, error)) {
        g_prefix_error(error, "--mem-limit: ");
        return false;
    }
    if (bytes < 0 || bytes >= 0x1p64) {
        g_set_error(error, IOVSIM_ERROR, IOVSIM_ERROR_INPUT,
                    "--mem-limit: '%s' is not a size from 0B to 16EiB", text);
        return false;
    }
    *out = (uint64_t)bytes;
    return true;
}
