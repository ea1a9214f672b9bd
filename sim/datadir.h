/* Where the program's data lives: the gnuplot templates and the bundled
 * scenarios, found from the program's own location, so that a build in
 * the source tree and an installed copy (PREFIX/bin, PREFIX/share/iovsim)
 * both find theirs wherever they are run from. */
#ifndef IOVSIM_DATADIR_H
#define IOVSIM_DATADIR_H

/**
 * datadir_find - the directory @sub ("analysis", "scenarios") holding the
 * file @probe (any such directory for NULL): beside the program, one level up (build/iovsim), or in
 * ../share/iovsim/@sub (an installed program). NULL if none has it.
 * Caller frees.
 */
char *datadir_find(const char *sub, const char *probe);

/**
 * datadir_scenario - the scenario file @arg names: @arg itself when it is
 * a file or a path, else the bundled scenario @arg or @arg.ini, else @arg
 * (for the loader to report). Caller frees.
 */
char *datadir_scenario(const char *arg);

#endif
