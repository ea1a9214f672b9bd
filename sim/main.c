/* iovsim: one program, subcommands. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    { "run", cli_run, "run a scenario's replications and store their metrics" },
    { "sweep", cli_sweep, "run every point of a sweep, every replication (-j N in parallel)" },
    { "merge", cli_merge, "merge databases of one scenario (e.g. from sweep --plan)" },
    { "table", cli_table, "print points x metrics: mean and 95% CI (text, csv, markdown, latex)" },
    { "compare", cli_compare, "compare points to a baseline with paired 95% CIs" },
    { "plot", cli_plot, "draw figures with gnuplot (PNG, PDF, SVG)" },
    { "export", cli_export, "the points view as tidy rows for any tool (CSV, JSON)" },
    { "check", cli_check, "validate a scenario file without running it" },
    { "params", cli_params, "list every parameter: unit, default, range, source" },
    { "list", cli_list, "list the models" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: iovsim COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n'iovsim COMMAND --help' describes one command. iovsim %s\n", IOVSIM_VERSION);
}

/* GOption wants "-j 2"; people type "-j2" as they do for make. */
static char **split_short_numbers(int *argc, char **argv)
{
    GPtrArray *out = g_ptr_array_new();
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] == 'j' && g_ascii_isdigit(a[2])) {
            g_ptr_array_add(out, g_strdup("-j"));
            g_ptr_array_add(out, g_strdup(a + 2));
        } else {
            g_ptr_array_add(out, g_strdup(a));
        }
    }
    *argc = (int)out->len;
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("iovsim %s\n", IOVSIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    g_autofree char *msg =
        g_strdup_printf("iovsim: unknown command '%s' (see 'iovsim --help')", argv[1]);
    cli_print_line(msg);
    return 2;
}

int main(int argc, char **argv)
{
    /* The character set only, so that GOption takes "µs" or "é" in a UTF-8
     * locale; numbers stay in the C locale's format. */
    setlocale(LC_CTYPE, "");
    char **args = split_short_numbers(&argc, argv);
    /* GOption drops the arguments it parses from the vector: keep the
     * original pointers to free them all. */
    char **owned = g_memdup2(args, sizeof(char *) * ((size_t)argc + 1));
    int status = dispatch(argc, args);
    g_strfreev(owned);
    g_free(args);
    return status;
}
