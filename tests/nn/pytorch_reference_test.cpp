// genlab against PyTorch: the same weights and batch (tests/nn/reference_models.hpp) give the
// logits, loss, every gradient and the losses of 10 AdamW steps that PyTorch computed in float64
// (committed in tests/data/nn/<config>/ by `bench/nn/torch_peer.py export`; regenerate with
// `nn_bench dump <config> DIR && torch_peer.py export DIR tests/data/nn/<config>`).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "genlab/core/io/json.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/nn/adamw.hpp"
#include "genlab/nn/batch.hpp"
#include "reference_models.hpp"

using namespace genlab;

TEST_CASE("logits, loss, gradients and AdamW steps match PyTorch's reference", "[nn][pytorch]") {
  for (const std::string which : {"nanda", "prerope"}) {
    INFO("config " << which);
    const std::string dir = std::string(GENLAB_TEST_DATA_DIR) + "/nn/" + which;
    const core::Json ref = core::read_json(dir + "/reference.json");
    const std::vector<double> ref_logits = core::read_npy(dir + "/logits.npy").values<double>();
    const std::vector<float> ref_grads = core::read_npy(dir + "/grads_f32.npy").values<float>();

    nn::Transformer<double> model = nn::reference::model(which);
    const auto data = nn::reference::data(which);
    nn::Workspace<double> ws;
    ws.slots = 1 << 20;  // one shard per slot: every shard's logits stay in the workspace
    std::vector<std::size_t> idx(data.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::vector<double> grad;
    const double loss = nn::batch_loss_and_grad(model, data, idx, &grad, ws).loss_nats;

    // Logits at the graded rows, in (sequence, position) order.
    std::vector<double> logits;
    const std::size_t shards = nn::shard_bounds(data, idx, ws.rows_per_shard).size() - 1;
    for (std::size_t s = 0; s < shards; ++s)
      for (Eigen::Index r = 0; r < ws.shards[s].logits.rows(); ++r)
        for (Eigen::Index c = 0; c < ws.shards[s].logits.cols(); ++c) logits.push_back(ws.shards[s].logits(r, c));
    REQUIRE(logits.size() == ref_logits.size());
    double max_diff = 0, max_ref = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
      max_diff = std::max(max_diff, std::abs(logits[i] - ref_logits[i]));
      max_ref = std::max(max_ref, std::abs(ref_logits[i]));
    }
    CHECK(max_diff / max_ref <= 1e-10);
    CHECK(std::abs(loss - ref["loss"].get<double>()) / std::abs(loss) <= 1e-10);

    // Gradients per tensor, relative to the tensor's norm (floored at 1e-6 of the whole
    // gradient's norm: b_K's gradient is identically zero without RoPE). The reference is float32.
    REQUIRE(grad.size() == ref_grads.size());
    double total = 0;
    for (float g : ref_grads) total += static_cast<double>(g) * g;
    total = std::sqrt(total);
    const auto names = ref["parameters"].get<std::vector<std::string>>();
    const auto sizes = ref["sizes"].get<std::vector<std::size_t>>();
    std::size_t off = 0;
    for (std::size_t t = 0; t < names.size(); ++t) {
      INFO("gradient of " << names[t]);
      CHECK(model.layout().info(names[t]).offset == off);
      double diff = 0, norm = 0;
      for (std::size_t i = off; i < off + sizes[t]; ++i) {
        diff += (grad[i] - ref_grads[i]) * (grad[i] - ref_grads[i]);
        norm += static_cast<double>(ref_grads[i]) * ref_grads[i];
      }
      CHECK(std::sqrt(diff) / std::max(std::sqrt(norm), 1e-6 * total) <= 1e-5);
      off += sizes[t];
    }

    // 10 AdamW steps (warmup, decoupled decay, global-norm clipping) from the same weights.
    nn::AdamW<double> opt(nn::reference::optimizer());
    const auto ref_steps = ref["step_losses"].get<std::vector<double>>();
    for (std::size_t s = 0; s < 10; ++s) {
      const double l = nn::batch_loss_and_grad(model, data, idx, &grad, ws).loss_nats;
      CHECK(std::abs(l - ref_steps[s]) / std::abs(ref_steps[s]) <= 1e-10);
      opt.update(model.parameters(), grad, model.layout());
    }
  }
}
