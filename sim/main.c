/* iovsim: one program, subcommands. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "suggest.h"

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
    fprintf(
        out,
        "\n'iovsim COMMAND --help' (or 'iovsim help COMMAND') describes one command. iovsim %s\n",
        IOVSIM_VERSION);
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

static const struct command *command_named(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

static char *unknown_command(const char *word)
{
    const char *names[G_N_ELEMENTS(commands)];
    const char *near;

    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        names[i] = commands[i].name;
    near = suggest_closest(word, names, G_N_ELEMENTS(names));
    if (near)
        return g_strdup_printf("iovsim: unknown command '%s' (did you mean '%s'?)", word, near);
    return g_strdup_printf("iovsim: unknown command '%s' (see 'iovsim --help')", word);
}

/* Append @arg to @out as typed in a shell. */
static void append_shell_word(GString *out, const char *arg)
{
    g_autofree char *quoted = NULL;

    if (!*arg || strpbrk(arg, " \t'\"$`\\*?;&|<>()[]{}~#!"))
        arg = quoted = g_shell_quote(arg);
    g_string_append_printf(out, " %s", arg);
}

/* "iovsim --set k=v run x.ini": options belong to a command, after its
 * name; say where, with the command line put right when it has one. */
static char *misplaced_option(int argc, char **argv)
{
    static const char *const own[] = { "--help", "--version" };
    const char *near = suggest_closest(argv[1], own, G_N_ELEMENTS(own));
    const struct command *cmd = NULL;
    int at = 0;

    for (int i = 2; i < argc && !cmd; i++)
        if ((cmd = command_named(argv[i])))
            at = i;
    if (!cmd && near)
        return g_strdup_printf("iovsim: unknown option '%s' (did you mean '%s'?)", argv[1], near);
    if (!cmd)
        return g_strdup_printf("iovsim: '%s' is an option of a command: write it after the "
                               "command's name (see 'iovsim --help')",
                               argv[1]);
    GString *fixed = g_string_new("iovsim");
    append_shell_word(fixed, cmd->name);
    for (int i = 1; i < argc; i++)
        if (i != at)
            append_shell_word(fixed, argv[i]);
    char *msg =
        g_strdup_printf("iovsim: options go after the command's name, as in: %s", fixed->str);
    g_string_free(fixed, TRUE);
    return msg;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    /* 'iovsim help run' is 'iovsim run --help'. */
    if (!strcmp(argv[1], "help") && argc > 2) {
        const struct command *cmd = command_named(argv[2]);

        if (!cmd) {
            g_autofree char *msg = unknown_command(argv[2]);

            cli_print_line(msg);
            return 2;
        }
        char *args[] = { argv[2], (char *)"--help", NULL };

        return cmd->fn(2, args);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("iovsim %s\n", IOVSIM_VERSION);
        return 0;
    }
    const struct command *cmd = command_named(argv[1]);
    if (cmd)
        return cmd->fn(argc - 1, argv + 1);
    g_autofree char *msg =
        argv[1][0] == '-' ? misplaced_option(argc, argv) : unknown_command(argv[1]);
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
