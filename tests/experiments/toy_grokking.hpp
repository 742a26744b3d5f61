#ifndef GENLAB_TESTS_EXPERIMENTS_TOY_GROKKING_HPP
#define GENLAB_TESTS_EXPERIMENTS_TOY_GROKKING_HPP
// The grokking protocol at toy size (seconds per run), shared by the experiments' tests.

#include "genlab/experiments/grokking.hpp"

namespace genlab::test {

/// Grokking a + b mod 7 on a 1-layer d 16 model, 60 updates, evaluated and checkpointed every 20.
inline experiments::GrokkingConfig toy_grokking() {
  experiments::GrokkingConfig c = experiments::GrokkingConfig::quick();
  c.name = "toy";
  c.data.p = 7;
  c.data.train_fraction = 0.6;
  c.model.d_model = 16;
  c.model.n_heads = 2;
  c.model.d_mlp = 32;
  c.optimizer.lr = 3e-3;
  c.optimizer.weight_decay = 0.1;
  c.steps = 60;
  c.eval_every = 20;
  c.checkpoint_every = 20;
  return c;
}

}  // namespace genlab::test

#endif  // GENLAB_TESTS_EXPERIMENTS_TOY_GROKKING_HPP
