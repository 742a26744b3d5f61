// Attention patterns as an N-d array [input, head, query, key] over the activations' own buffer.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/nn/probes.hpp"

using namespace genlab;

TEST_CASE("attention_pattern is a causal, row-stochastic [input, head, query, key] view", "[nn][probes]") {
  nn::ModelConfig mc;
  mc.vocab_size = 7, mc.n_layers = 2, mc.d_model = 8, mc.n_heads = 2, mc.d_mlp = 16, mc.max_seq_len = 6;
  const nn::Transformer<double> model(mc, 5);
  const auto act = nn::run_with_activations(model, {{1, 2, 3, 4}, {5, 6, 0, 1}, {2, 2, 2, 2}});
  const auto p = act.attention_pattern(1);
  REQUIRE(p.shape(0) == 3);
  REQUIRE(p.shape(1) == 2);
  REQUIRE(p.shape(2) == 4);
  REQUIRE(p.shape(3) == 4);
  CHECK(p.data() == act.pattern[1].data());  // a view, not a copy
  for (std::size_t b = 0; b < 3; ++b)
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t q = 0; q < 4; ++q) {
        double row = 0;
        for (std::size_t k = 0; k < 4; ++k) {
          CHECK(p(b, h, q, k) == act.attention(1, static_cast<std::int64_t>(b), static_cast<std::int64_t>(h),
                                               static_cast<std::int64_t>(q), static_cast<std::int64_t>(k)));
          if (k > q) CHECK(p(b, h, q, k) == 0.0);
          row += p(b, h, q, k);
        }
        CHECK(row == Approx(1.0).epsilon(1e-12));
      }
  CHECK_THROWS_WITH(act.attention_pattern(2), Catch::Contains("'l' = 2"));
}
