/* Parameters of the queueing model. Defaults give an M/M/1 queue at load
 * 0.8 (Kleinrock, Queueing Systems vol. 1, 1975, section 3.2). */
#include "queue_params.h"

#include <glib.h>

const struct param_def queue_params[] = {
    { .key = "queue.interarrival",
      .type = PARAM_DIST,
      .dim = DIM_TIME,
      .def = "exp(1.25s)",
      .min = 1e-12,
      .max = 1e9,
      .help = "time between arrivals at the first station",
      .source = "choice: load 0.8 with the default service" },
    { .key = "queue.service",
      .type = PARAM_DIST,
      .dim = DIM_TIME,
      .def = "exp(1s)",
      .min = 1e-12,
      .max = 1e9,
      .help = "service time of one job at each station",
      .source = "choice: unit mean service time" },
    { .key = "queue.servers",
      .type = PARAM_INT,
      .dim = DIM_NONE,
      .def = "1",
      .min = 1,
      .max = 1024,
      .help = "identical servers (c) sharing each station's FIFO queue",
      .source = "choice: M/M/1" },
    { .key = "queue.stations",
      .type = PARAM_INT,
      .dim = DIM_NONE,
      .def = "1",
      .min = 1,
      .max = 64,
      .help = "stations in tandem; a job visits each in order",
      .source = "choice: a single station" },
    { .key = "queue.capacity",
      .type = PARAM_INT,
      .dim = DIM_NONE,
      .def = "1000000",
      .min = 1,
      .max = 100000000,
      .help = "jobs in the system at most (all stations); an arrival finding it full is "
              "blocked and counted (M/M/c/K)",
      .source = "choice: bounds memory (about 80 MB) so an overloaded queue cannot exhaust it; "
                "set it low for loss systems" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(queue_params) == QUEUE_N_PARAMS);

const size_t queue_n_params = QUEUE_N_PARAMS;
