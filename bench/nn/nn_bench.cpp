// genlab::nn benchmark and PyTorch cross-check driver (run side by side by bench/nn/run_bench.sh).
//
//   nn_bench time <nanda|sort> <float|double> <steps> [rows_per_shard]
//                                                      ms per training step (forward, backward,
//                                                      AdamW), one JSON line on stdout; shards of
//                                                      the Trainer's 512 padded rows unless given
//   nn_bench dump <nanda|prerope|post|tempered> <dir>  a small double model, its batch, logits,
//                                                      loss, gradients and 10 AdamW step losses
//                                                      for bench/nn/torch_peer.py crosscheck
//   nn_bench grok <dir> [max_steps]                    the quick grokking preset (p = 53, 50% train,
//                                                      1 layer d 64, full batch, float): writes its
//                                                      initial weights and split to <dir> (for
//                                                      torch_peer.py grok), trains, evaluates test
//                                                      accuracy every 50 updates and prints the
//                                                      update and seconds to test accuracy >= 99%
//   nn_bench gemm                                      the machine's float GEMM rate through
//                                                      Eigen's products (OpenBLAS's sgemm when
//                                                      built with EIGEN_USE_BLAS, Eigen's own
//                                                      kernels otherwise), single thread and all
//                                                      threads, GFLOP/s (best of 5 windows)
//   nn_bench gemm-step <nanda|sort> [rows_per_shard]   the same rate for the step's own linear-layer
//                                                      products at one shard's shapes, each thread
//                                                      running them on its own (the step's ceiling
//                                                      if nothing but these GEMMs took time)
// GCC 12 reports false "maybe-uninitialized" warnings inside Eigen's AVX-512 kernels at -O3
// -march=native (Eigen 3.4); silenced for this translation unit only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <Eigen/Core>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include "genlab/core/blas.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"
#include "genlab/nn.hpp"
#include "genlab/experiments/grokking.hpp"
#include "../../tests/nn/reference_models.hpp"

using namespace genlab;
using namespace genlab::nn;
using Clock = std::chrono::steady_clock;

namespace {

using reference::nanda_data;

// Sorting: n values in 0..values-1, separator token `values`, then the sorted list (graded).
std::vector<core::Sequence> sort_data(int count, int n, int values, std::uint64_t seed) {
  auto g = core::philox_stream(seed, 0);
  std::vector<core::Sequence> out;
  for (int i = 0; i < count; ++i) {
    std::vector<core::Token> x(static_cast<std::size_t>(n));
    for (auto& t : x) t = static_cast<core::Token>(core::uniform_index(g, static_cast<std::uint32_t>(values)));
    std::vector<core::Token> y = x;
    std::sort(y.begin(), y.end());
    x.push_back(values);
    out.push_back(core::make_sequence(x, y));
  }
  return out;
}

ModelConfig sort_config() {
  ModelConfig c;
  c.vocab_size = 101;
  c.max_seq_len = 40;
  c.n_layers = 2;
  c.d_model = 128;
  c.n_heads = 4;
  c.d_mlp = 512;
  c.norm = Norm::pre;
  c.positions = Positions::none;
  c.activation = Activation::gelu;
  c.attn_bias = c.mlp_bias = true;
  c.init_std = 0.02;
  return c;
}

// FLOPs of one training step as genlab computes it: nn::training_cost (nn/flops.hpp; keys/values
// at every row, the last block's queries, MLP and unembedding only at graded rows, backward = 2 ×
// forward).
double step_flops(const ModelConfig& c, const std::vector<core::Sequence>& data, const std::vector<std::size_t>& idx) {
  return training_cost(c, data, idx).flops;
}

std::string gemm_backend() { return core::gemm_backend(); }  // "openblas:<kernels>" or "eigen"

// The two timed configurations: Nanda's model on its full training set (one full batch), or the
// sorting model on 512 lists of 20 (batches of 64).
struct BenchCase {
  bool nanda;
  ModelConfig cfg;
  std::vector<core::Sequence> data;
  std::size_t batch;  // sequences per step
};
BenchCase bench_case(const std::string& which) {
  const bool nanda = which == "nanda";
  BenchCase c{nanda, nanda ? nanda_grokking_config(113) : sort_config(),
              nanda ? nanda_data(113, 0.3, 0) : sort_data(64 * 8, 20, 100, 1), 64};
  if (nanda) c.batch = c.data.size();
  return c;
}

template <class T>
int time_steps(const std::string& which, int steps, std::int64_t rows_per_shard) {
  const auto [nanda, cfg, data, B] = bench_case(which);
  Transformer<T> model(cfg, 0);
  AdamWConfig oc;
  AdamW<T> opt(oc);
  Workspace<T> ws;
  ws.rows_per_shard = rows_per_shard;
  std::vector<T> grad;
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < B; ++i) idx.push_back(i);
  double loss = 0;
  auto one = [&](int s) {
    if (!nanda)
      for (std::size_t i = 0; i < B; ++i) idx[i] = (static_cast<std::size_t>(s) * B + i) % data.size();
    loss = batch_loss_and_grad(model, data, idx, &grad, ws).loss_nats;
    opt.update(model.parameters(), grad, model.layout());
  };
  for (int s = 0; s < 3; ++s) one(s);  // warm-up: workspaces allocated
  const auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  for (int s = 0; s < steps; ++s) one(s);
  const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  core::Json j;
  j["impl"] = "genlab";
  j["config"] = which;
  j["scalar"] = std::is_same_v<T, float> ? "float32" : "float64";
  j["batch"] = B;
  j["rows_per_shard"] = rows_per_shard;
  j["steps"] = steps;
  j["ms_per_step"] = 1e3 * sec / steps;
  j["cpu_ms_per_step"] = 1e3 * cpu / steps;  // all threads' CPU time
  j["gflop_per_step"] = step_flops(cfg, data, idx) / 1e9;
  j["gflops"] = step_flops(cfg, data, idx) / 1e9 / (sec / steps);
  j["threads"] = core::max_threads();
  j["gemm_backend"] = gemm_backend();
  j["last_loss"] = loss;
  std::cout << j.dump() << std::endl;
  return 0;
}

int dump(const std::string& which, const std::filesystem::path& dir) {
  const ModelConfig cfg = reference::config(which);
  const std::vector<core::Sequence> data = reference::data(which);
  Transformer<double> model = reference::model(which);
  const AdamWConfig oc = reference::optimizer();
  save_checkpoint(dir / "model", model, static_cast<const AdamW<double>*>(nullptr));
  const std::size_t T = data[0].size();
  std::vector<std::int32_t> tokens;
  std::vector<std::uint8_t> mask;
  for (const auto& s : data) {
    tokens.insert(tokens.end(), s.tokens.begin(), s.tokens.end());
    mask.insert(mask.end(), s.loss_mask.begin(), s.loss_mask.end());
  }
  core::write_npy(dir / "tokens.npy", tokens, {data.size(), T});
  core::write_npy(dir / "mask.npy", mask, {data.size(), T});
  Workspace<double> ws;
  ws.slots = 1 << 20;  // one shard per slot, so every shard's logits stay in the workspace
  std::vector<std::size_t> idx(data.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  // Logits at graded rows, in row order (sequence, position).
  std::vector<double> logits;
  std::vector<double> grad;
  const double loss = batch_loss_and_grad(model, data, idx, &grad, ws).loss_nats;
  const std::size_t shards = shard_bounds(data, idx, ws.rows_per_shard).size() - 1;
  for (std::size_t s = 0; s < shards; ++s) {
    const auto& w = ws.shards[s];
    for (Eigen::Index r = 0; r < w.logits.rows(); ++r)
      for (Eigen::Index c = 0; c < w.logits.cols(); ++c) logits.push_back(w.logits(r, c));
  }
  core::write_npy(dir / "logits.npy", logits, {logits.size() / static_cast<std::size_t>(cfg.vocab_size),
                                               static_cast<std::size_t>(cfg.vocab_size)});
  std::filesystem::create_directories(dir / "grads");
  for (const auto& p : model.layout().infos()) core::write_npy(dir / "grads" / (p.name + ".npy"), grad.data() + p.offset, p.shape);
  AdamW<double> opt(oc);
  std::vector<double> step_losses;
  for (int s = 0; s < 10; ++s) {
    step_losses.push_back(batch_loss_and_grad(model, data, idx, &grad, ws).loss_nats);
    opt.update(model.parameters(), grad, model.layout());
  }
  core::Json j;
  j["loss"] = loss;
  j["step_losses"] = step_losses;
  j["optimizer"] = oc.to_json();
  core::write_json(dir / "genlab.json", j);
  std::cout << "dumped " << which << " to " << dir << "\n";
  return 0;
}

// Time to grok, from the same initial weights and split as torch_peer.py grok. The clock covers
// training and the evaluations (what a user waits for), not the dump.
int grok(const std::filesystem::path& dir, int max_steps) {
  auto cfg = experiments::GrokkingConfig::quick();
  const core::Dataset ds = splits::make_modular_dataset(cfg.data);
  const auto& train = ds.split("train");
  const auto& test = ds.split("test");
  cfg.model.vocab_size = static_cast<std::int64_t>(ds.vocab().size());
  cfg.model.max_seq_len = static_cast<std::int64_t>(train.front().size()) - 1;
  Transformer<float> model(cfg.model, cfg.seed);
  save_checkpoint(dir / "model", model, static_cast<const AdamW<float>*>(nullptr));
  for (const auto& [name, split] : {std::pair{"train", &train}, std::pair{"test", &test}}) {
    std::vector<std::int32_t> tokens;
    std::vector<std::uint8_t> mask;
    for (const auto& q : *split) {
      tokens.insert(tokens.end(), q.tokens.begin(), q.tokens.end());
      mask.insert(mask.end(), q.loss_mask.begin(), q.loss_mask.end());
    }
    const std::size_t T = split->front().size();
    core::write_npy(dir / (std::string(name) + "_tokens.npy"), tokens, {split->size(), T});
    core::write_npy(dir / (std::string(name) + "_mask.npy"), mask, {split->size(), T});
  }
  core::write_json(dir / "optimizer.json", cfg.optimizer.to_json());
  AdamW<float> opt(cfg.optimizer);
  Workspace<float> ws;
  std::vector<float> grad;
  std::vector<std::size_t> idx(train.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const auto t0 = Clock::now();
  int step = 0;
  double acc = 0;
  for (; step <= max_steps; ++step) {
    if (step % 50 == 0) {
      acc = evaluate(model, test, ws).exact_match;
      if (acc >= 0.99) break;
    }
    if (step == max_steps) break;
    batch_loss_and_grad(model, train, idx, &grad, ws);
    opt.update(model.parameters(), grad, model.layout());
  }
  const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
  core::Json j;
  j["impl"] = "genlab";
  j["gemm_backend"] = gemm_backend();
  j["threads"] = core::max_threads();
  j["grok_step"] = acc >= 0.99 ? core::Json(step) : core::Json(nullptr);
  j["test_accuracy"] = acc;
  j["seconds"] = sec;
  std::cout << j.dump() << std::endl;
  return 0;
}

int gemm() {
  core::Json j;
  const int all = core::max_threads();
  for (int n : {256, 512}) {
    Matrix<float> a = Matrix<float>::Random(n * 4, n), b = Matrix<float>::Random(n, n), c(n * 4, n);
    for (int threads : {1, all}) {
      if (threads == 1 && all == 1 && j.contains("gflops_n" + std::to_string(n) + "_threads1")) continue;
      Eigen::setNbThreads(threads);  // Eigen's own kernels
#if defined(_OPENMP)
      omp_set_num_threads(threads);  // OpenBLAS's OpenMP build
#endif
      c.noalias() = a * b;
      // The best of 5 windows of ~0.1 s: the rate least disturbed by the rest of the machine.
      double best = 0;
      for (int window = 0; window < 5; ++window) {
        int reps = 0;
        const auto t0 = Clock::now();
        double sec = 0;
        while (sec < 0.1) {
          c.noalias() = a * b;
          ++reps;
          sec = std::chrono::duration<double>(Clock::now() - t0).count();
        }
        best = std::max(best, 2.0 * 4 * n * double(n) * n * reps / sec / 1e9);
      }
      j["gflops_n" + std::to_string(n) + "_threads" + std::to_string(threads)] = best;
    }
  }
#if defined(_OPENMP)
  omp_set_num_threads(all);
#endif
  j["gemm_backend"] = gemm_backend();
  std::cout << j.dump() << std::endl;
  return 0;
}

// The sgemm rate of the step's own matrix products: every linear layer's forward product and
// its two backward products (dX = dY·Wᵀ, dW += Xᵀ·dY) at the shapes of one shard of the `time`
// run's batch (its rows, and the graded rows where the last layer and the unembedding stop), each
// thread running that list on its own, as the step's shards do. Attention's per-sequence products
// are left out. This is the rate the step could reach if nothing but these GEMMs took time.
int gemm_step(const std::string& which, std::int64_t rows_per_shard) {
  const BenchCase c = bench_case(which);
  const ModelConfig& cfg = c.cfg;
  const auto& data = c.data;
  std::vector<std::size_t> idx(c.batch);
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const auto bounds = shard_bounds(data, idx, rows_per_shard);
  const Rows rows = make_rows(data, idx, bounds[0], bounds[1], Outputs::graded, cfg);
  const Eigen::Index R = rows.rows(), G = static_cast<Eigen::Index>(rows.out_rows.size());
  const Eigen::Index d = cfg.d_model, f = cfg.d_mlp, V = cfg.vocab_size;
  struct Gemm { Eigen::Index m, k, n; int kind; };  // kind 0: C = A·B, 1: C = A·Bᵀ, 2: C += Aᵀ·B
  std::vector<Gemm> list;
  auto linear = [&](Eigen::Index r, Eigen::Index in, Eigen::Index out) {
    list.push_back({r, in, out, 0});   // y = x·W
    list.push_back({r, out, in, 1});   // dx = dy·Wᵀ
    list.push_back({in, r, out, 2});   // dW += xᵀ·dy
  };
  for (std::int64_t l = 0; l < cfg.n_layers; ++l) {
    const Eigen::Index q = l + 1 == cfg.n_layers ? G : R;
    linear(R, d, d), linear(R, d, d);  // keys, values
    linear(q, d, d), linear(q, d, d);  // queries, output projection
    linear(q, d, f), linear(q, f, d);  // MLP
  }
  linear(G, d, V);  // unembedding
  double flops = 0;
  for (const auto& g : list) flops += 2.0 * double(g.m) * double(g.k) * double(g.n);
  core::Json j;
  j["config"] = which;
  j["shard_rows"] = R;
  j["graded_rows"] = G;
  j["gemms"] = list.size();
  j["gflop"] = flops / 1e9;
  const int all = core::max_threads();
  for (int threads : {1, all}) {
    if (threads == 1 && all == 1 && j.contains("gflops_threads1")) continue;
    constexpr int windows = 5;
    std::vector<double> rate(static_cast<std::size_t>(windows * threads), 0.0);  // [window][thread]
#pragma omp parallel num_threads(threads)
    {
      omp_set_num_threads(1);  // each thread's GEMMs on one thread, as inside the step's shards
      const int me = omp_get_thread_num();
      std::vector<Matrix<float>> a, b, c;
      for (const auto& g : list) {
        a.push_back(g.kind == 2 ? Matrix<float>::Random(g.k, g.m) : Matrix<float>::Random(g.m, g.k));
        b.push_back(g.kind == 1 ? Matrix<float>::Random(g.n, g.k) : Matrix<float>::Random(g.k, g.n));
        c.push_back(Matrix<float>::Zero(g.m, g.n));
      }
      auto run = [&] {
        for (std::size_t i = 0; i < list.size(); ++i) {
          if (list[i].kind == 0) c[i].noalias() = a[i] * b[i];
          else if (list[i].kind == 1) c[i].noalias() = a[i] * b[i].transpose();
          else c[i].noalias() += a[i].transpose() * b[i];
        }
      };
      run();
      // 5 windows of ~0.1 s, all threads starting each window together.
      for (int window = 0; window < windows; ++window) {
#pragma omp barrier
        int reps = 0;
        const auto t0 = Clock::now();
        double sec = 0;
        while (sec < 0.1) {
          run();
          ++reps;
          sec = std::chrono::duration<double>(Clock::now() - t0).count();
        }
        rate[static_cast<std::size_t>(window * threads + me)] = flops * reps / sec / 1e9;
      }
    }
    // The best window's rate summed over the threads: `threads` shards running side by side.
    double best = 0;
    for (int window = 0; window < windows; ++window) {
      double sum = 0;
      for (int t = 0; t < threads; ++t) sum += rate[static_cast<std::size_t>(window * threads + t)];
      best = std::max(best, sum);
    }
    j["gflops_threads" + std::to_string(threads)] = best;
  }
  j["gemm_backend"] = gemm_backend();
  std::cout << j.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "time" && (argc == 5 || argc == 6)) {
      const int steps = std::stoi(argv[4]);
      const std::int64_t rows = argc == 6 ? std::stoll(argv[5]) : TrainConfig{}.rows_per_shard;
      return std::strcmp(argv[3], "double") == 0 ? time_steps<double>(argv[2], steps, rows)
                                                 : time_steps<float>(argv[2], steps, rows);
    }
    if (mode == "dump" && argc == 4) return dump(argv[2], argv[3]);
    if (mode == "grok" && (argc == 3 || argc == 4)) return grok(argv[2], argc == 4 ? std::stoi(argv[3]) : 2000);
    if (mode == "gemm") return gemm();
    if (mode == "gemm-step" && (argc == 3 || argc == 4))
      return gemm_step(argv[2], argc == 4 ? std::stoll(argv[3]) : TrainConfig{}.rows_per_shard);
    std::cerr << "usage: nn_bench time <nanda|sort> <float|double> <steps> [rows_per_shard] | dump <nanda|prerope|post|tempered|logn> <dir> | gemm | gemm-step <nanda|sort> [rows_per_shard]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nn_bench: " << e.what() << "\n";
    return 1;
  }
}
