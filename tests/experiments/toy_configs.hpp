#ifndef GENLAB_TESTS_EXPERIMENTS_TOY_CONFIGS_HPP
#define GENLAB_TESTS_EXPERIMENTS_TOY_CONFIGS_HPP
// The sorting protocol at toy size (seconds per run) and quiet run options, shared by the
// experiments' tests. (The sorting tests include no other experiment: see sorting_test.cpp.)

#include "genlab/experiments/run.hpp"
#include "genlab/experiments/sorting.hpp"

namespace genlab::test {

/// No progress output, no gnuplot.
inline experiments::RunOptions quiet() {
  experiments::RunOptions o;
  o.progress = false;
  o.plots = false;
  return o;
}

/// Sorting values 0..4, train lengths 1..4, evaluated at 1..6 (3 lists each), a 1-layer d 16
/// model, 30 updates of 16; standard and successor+tempered, seeds 0 and 1.
inline experiments::SortingConfig toy_sorting() {
  auto c = experiments::SortingConfig::quick();
  c.name = "toy";
  c.task.num_values = 5;
  c.task.train_max_length = 4;
  c.task.train_size = 200;
  c.max_eval_length = 6;
  c.eval_size_per_length = 3;
  c.model.n_layers = 1;
  c.model.d_model = 16;
  c.model.n_heads = 2;
  c.model.d_mlp = 32;
  c.steps = 30;
  c.optimizer.total_steps = 30;
  c.optimizer.warmup_steps = 5;
  c.batch_size = 16;
  c.eval_every = 10;
  c.checkpoint_every = 10;
  c.seeds = {0, 1};
  auto conds = experiments::SortingConfig::standard_conditions();
  c.conditions = {conds[0], conds[3]};  // standard, successor+tempered
  return c;
}

}  // namespace genlab::test

#endif  // GENLAB_TESTS_EXPERIMENTS_TOY_CONFIGS_HPP
