// The training cost of an update (nn/flops.hpp) against a count made by hand for a tiny model.
#include <catch2/catch.hpp>

#include <vector>

#include "genlab/core/sequence.hpp"
#include "genlab/nn/flops.hpp"

using namespace genlab;

TEST_CASE("training FLOPs and tokens match a hand count", "[nn][flops]") {
  nn::ModelConfig c;
  c.n_layers = 2;
  c.d_model = 4;
  c.n_heads = 2;
  c.d_mlp = 8;
  c.vocab_size = 10;
  core::Sequence a, b;
  a.tokens = {1, 5, 6, 3, 2};  // 5 tokens: rows 0..3 feed targets 1..4; targets 3 and 4 graded
  a.loss_mask = {0, 0, 0, 1, 1};
  b.tokens = {1, 7, 2};        // 3 tokens: rows 0..1; target 2 graded
  b.loss_mask = {0, 0, 1};
  const std::vector<core::Sequence> data{a, b};
  const nn::TrainingCost k = nn::training_cost(c, data);
  CHECK(k.sequences == 2);
  CHECK(k.tokens == 8);
  CHECK(k.graded_tokens == 3);
  // By hand, 2 FLOPs per multiply-add, d = 4, d_mlp = 8, vocab 10; rows 4 + 2 = 6, graded 3.
  //   layer 0 (every row queries): K, V at 6 rows: 6 · 2 · 16 · 2 = 384; Q, O at 6 rows: 384;
  //     MLP in and out at 6 rows: 6 · 2 · 32 · 2 = 768; causal (query, key) pairs: a 1+2+3+4 = 10,
  //     b 1+2 = 3, each a 4-long score and a 4-long weighted sum: 13 · 2 · 4 · 2 = 208
  //   layer 1 (last: queries at the 3 graded rows only): K, V 384; Q, O 3 · 2 · 16 · 2 = 192;
  //     MLP 3 · 2 · 32 · 2 = 384; pairs: a's targets 3, 4 see 3 and 4 keys, b's target 2 sees 2:
  //     9 · 2 · 4 · 2 = 144
  //   unembedding at 3 rows: 3 · 4 · 10 · 2 = 240
  const double forward = (384 + 384 + 768 + 208) + (384 + 192 + 384 + 144) + 240;
  CHECK(forward == 3088);
  CHECK(k.flops == 3 * forward);  // backward = 2 × forward
  // A subset by index, and scaling.
  const nn::TrainingCost kb = nn::training_cost(c, data, {1});
  CHECK(kb.tokens == 3);
  CHECK(kb.graded_tokens == 1);
  nn::TrainingCost sum = nn::training_cost(c, data, {0});
  sum += kb;
  CHECK(sum.flops == k.flops);  // the work is additive over sequences
  CHECK(k.scaled(0.5).tokens == 4);
}
