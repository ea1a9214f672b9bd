/* The gnuplot templates (analysis/ *.gp) compiled into the program by
 * dist/embed.sh: what a plot uses when no template directory is found. */
#ifndef IOVSIM_ANALYSIS_GP_EMBEDDED_H
#define IOVSIM_ANALYSIS_GP_EMBEDDED_H

#include <stddef.h>

struct gp_embedded {
    const char *name; /* "lines.gp" */
    const char *text;
};

/* Terminated by an entry whose name is NULL. */
extern const struct gp_embedded gp_embedded[];

#endif
