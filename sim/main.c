/* iovsim: one program, subcommands. */
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

int main(int argc, char **argv)
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
    fprintf(stderr, "iovsim: unknown command '%s' (see 'iovsim --help')\n", argv[1]);
    return 2;
}
