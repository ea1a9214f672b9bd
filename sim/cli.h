/* Subcommands of the iovsim program. Each returns the process exit status:
 * 0 success, 1 a failed run or an I/O failure, 2 bad input (reported once,
 * one line), 130 interrupted. */
#ifndef IOVSIM_CLI_H
#define IOVSIM_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct scenario;

/* Set by SIGINT/SIGTERM; runs poll it between events. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupts(void);

/* Print @msg on stderr as exactly one line, control characters escaped
 * (escape_controls()): every error line goes through here. */
void cli_print_line(const char *msg);

/* Print @error as one line on stderr and return the exit status for it:
 * 1 for IOVSIM_ERROR_IO, 130 for an interrupt, 2 otherwise. */
int cli_fail(GError *error);

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_params(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_table(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_export(int argc, char **argv);

/* Parse subcommand options; on error prints one line and returns false. */
bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, GError **error);

/* An override error says "--set: ..."; name the option it came from. */
void cli_error_origin(GError *error, const char *option);

/**
 * cli_load_scenario - load @path with the --set overrides @sets, --seed
 * @seed and --reps @reps (NULL when not given), read as the scenario reads
 * scenario.seed and scenario.reps (so --reps 010 is 10, never octal). --seed
 * is an override, so it is part of the scenario's hash (runs of two seeds
 * never mix); --reps is not, so more replications can be added later.
 */
struct scenario *cli_load_scenario(const char *path, char **sets, const char *seed,
                                   const char *reps, GError **error);

/* The [sweep] group as `iovsim sweep` would run it: every list, range and
 * lockstep, and every point as a whole, each within @mem_limit bytes (0: no
 * limit). `check` and `run` both refuse a scenario whose sweep is wrong.
 * *@points gets the number of points, *@excluded the number its exclude
 * rules took out of the grid (either may be NULL). */
bool cli_check_sweep(const struct scenario *sc, uint64_t mem_limit, size_t *points,
                     size_t *excluded, GError **error);

/**
 * cli_mem_limit - the --mem-limit option: @text is a size ("16GiB"; "0B"
 * for no limit), or NULL for the default, half the machine's physical
 * memory. A scenario whose model needs more is refused before it is built,
 * and a run that grows past it stops (scenario_check_mem(),
 * runner_run_bounded()).
 */
bool cli_mem_limit(const char *text, uint64_t *out, GError **error);

/* Default database path for a scenario: results/NAME.db. Caller frees. */
char *cli_default_db(const char *scenario_name);

#endif
