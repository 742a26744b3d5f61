#ifndef GENLAB_EXPERIMENTS_HPP
#define GENLAB_EXPERIMENTS_HPP
// genlab::experiments: ready-made protocols where splits, nn and measure meet.
#include "genlab/experiments/grokking.hpp"
#include "genlab/experiments/progress_measures.hpp"
#include "genlab/experiments/run.hpp"
#include "genlab/experiments/sorting.hpp"
#include "genlab/experiments/sorting_errors.hpp"
#include "genlab/experiments/text_plot.hpp"
#endif
