#ifndef GENLAB_NN_BATCH_HPP
#define GENLAB_NN_BATCH_HPP
// Loss, gradients and teacher-forced metrics over a batch of sequences, in parallel and
// deterministic. The batch is cut into shards by token count (rows.hpp); OpenMP threads take
// whole shards, each shard runs forward and backward serially into its own gradient buffer, and
// the buffers are summed in shard order. Eigen's GEMMs run single-threaded inside the parallel
// region, so neither the blocking nor the summation order depends on the thread count: losses
// and gradients are bit-identical with any OMP_NUM_THREADS.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/sequence.hpp"
#if defined(_OPENMP)
#include <omp.h>
#endif
#include "genlab/nn/transformer.hpp"

namespace genlab::nn {

/// Scratch reused across calls. A batch is cut into shards of about rows_per_shard padded rows;
/// shards are dealt in contiguous runs to at most `slots` slots, each with its own activations
/// and gradient buffer; threads take whole slots and the slot buffers are summed in slot order.
/// Both numbers fix the summation order (and so the last bits of results); the thread count
/// never does. More slots than threads gives no speed-up beyond `slots` threads.
template <class T>
struct Workspace {
  std::int64_t rows_per_shard = 1024;
  std::int64_t slots = 8;
  std::vector<ShardWork<T>> shards;  // one per slot
};

/// Mean loss over the graded tokens of a batch and, optionally, its gradient.
struct BatchLoss {
  double loss_nats = 0;        // mean −log p over graded tokens (nats)
  std::int64_t graded = 0;     // graded tokens
  std::int64_t correct = 0;    // graded tokens whose argmax is the target
};

namespace detail {
/// Runs f(s) for s in [0, n), threads taking the next s in the order order[0], order[1], ...
/// (0, 1, ... when `order` is empty). The order sets only which thread runs what, never a result.
/// Threads are used only when there are several shards and at least `min_parallel_rows` rows in
/// all (tiny batches lose more to thread wake-ups than they gain). Every GEMM runs
/// single-threaded either way: inside a team of several threads Eigen never threads a product,
/// and in a team of one we lower this task's nthreads ICV to 1 (an OpenMP per-task setting that
/// ends with the region), so Eigen's blocking never depends on threads.
template <class F>
void for_each_shard(std::int64_t n, std::int64_t total_rows, F&& f, const std::vector<std::int64_t>& order = {}) {
  core::LoopErrors errors;  // exceptions leave the region as the lowest failing shard's, with their type
#if defined(_OPENMP)
  constexpr std::int64_t min_parallel_rows = 1024;
  const int threads = n > 1 && total_rows >= min_parallel_rows ? omp_get_max_threads() : 1;
#pragma omp parallel num_threads(threads)
  {
    if (omp_get_num_threads() == 1) omp_set_num_threads(1);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t s = order.empty() ? i : order[static_cast<std::size_t>(i)];
      errors.run(s, [&] { f(s); });
    }
  }
#else
  (void)total_rows;
  (void)order;
  for (std::int64_t s = 0; s < n && !errors.failed(); ++s) errors.run(s, [&] { f(s); });
#endif
  errors.rethrow();
}

/// Padded rows of each shard of data[idx[..]] cut at `bounds`: its longest sequence × its count.
inline std::vector<std::int64_t> shard_rows(const std::vector<core::Sequence>& data, const std::vector<std::size_t>& idx,
                                            const std::vector<std::size_t>& bounds) {
  std::vector<std::int64_t> rows(bounds.empty() ? 0 : bounds.size() - 1);
  for (std::size_t s = 0; s < rows.size(); ++s) {
    std::int64_t longest = 0;
    for (std::size_t i = bounds[s]; i < bounds[s + 1]; ++i)
      longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(data[idx[i]].size()));
    rows[s] = longest * static_cast<std::int64_t>(bounds[s + 1] - bounds[s]);
  }
  return rows;
}

inline std::int64_t total_tokens(const std::vector<core::Sequence>& data, const std::vector<std::size_t>& idx) {
  std::int64_t n = 0;
  for (auto i : idx) n += static_cast<std::int64_t>(data[i].size());
  return n;
}

/// Calls f(slot, shard) for every shard (shard_rows: each one's padded rows), slot k taking
/// shards [k·S/K, (k+1)·S/K) in order, slots in parallel. Which slots share a thread never
/// changes a result, so threads take the slots with the most rows first (longest processing time
/// first): 30 shards in 8 slots of 3 or 4 split 15:15 between two threads, not 16:14 as in slot
/// order. An exception is rethrown after the loop with its own type (core::LoopErrors).
template <class T, class F>
void run_slots(Workspace<T>& ws, const std::vector<std::int64_t>& shard_rows, std::int64_t total_rows, F&& f) {
  core::require(ws.slots >= 1, "genlab::nn::Workspace", "slots", ws.slots, ">= 1");
  const std::int64_t S = static_cast<std::int64_t>(shard_rows.size());
  const std::int64_t K = std::min<std::int64_t>(S, ws.slots);
  if (static_cast<std::int64_t>(ws.shards.size()) < K) ws.shards.resize(static_cast<std::size_t>(K));
  std::vector<std::int64_t> work(static_cast<std::size_t>(K), 0), order(static_cast<std::size_t>(K));
  for (std::int64_t k = 0; k < K; ++k) {
    order[static_cast<std::size_t>(k)] = k;
    for (std::int64_t s = k * S / K; s < (k + 1) * S / K; ++s)
      work[static_cast<std::size_t>(k)] += shard_rows[static_cast<std::size_t>(s)];
  }
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return work[static_cast<std::size_t>(a)] > work[static_cast<std::size_t>(b)];
  });
  for_each_shard(
      K, total_rows,
      [&](std::int64_t k) {
        for (std::int64_t s = k * S / K; s < (k + 1) * S / K; ++s) f(k, s);
      },
      order);
}

/// run_slots for S shards of equal rows (threads take the slots in slot order).
template <class T, class F>
void run_slots(Workspace<T>& ws, std::int64_t S, std::int64_t total_rows, F&& f) {
  core::require(S >= 0, "genlab::nn::detail::run_slots", "shards", S, ">= 0");
  run_slots(ws, std::vector<std::int64_t>(static_cast<std::size_t>(S), 1), total_rows, std::forward<F>(f));
}
}  // namespace detail

/// Mean cross-entropy (nats) over the graded tokens of data[idx[..]] and, when grad is not null,
/// its gradient (resized to the parameter count). Throws std::invalid_argument if no token is
/// graded. Cost: one forward (+ one backward) over the padded rows.
template <class T>
BatchLoss batch_loss_and_grad(const Transformer<T>& model, const std::vector<core::Sequence>& data,
                              const std::vector<std::size_t>& idx, std::vector<T>* grad, Workspace<T>& ws) {
  const std::vector<std::size_t> bounds = shard_bounds(data, idx, ws.rows_per_shard);
  const std::int64_t S = static_cast<std::int64_t>(bounds.size()) - 1;
  std::int64_t graded = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const auto& s = data[idx[i]];
    for (std::size_t t = 1; t < s.loss_mask.size(); ++t) graded += s.loss_mask[t] != 0;
  }
  core::require(graded > 0, "genlab::nn::batch_loss_and_grad", "graded tokens", graded,
                ">= 1 (set loss_mask = 1 on the answer tokens)");
  const double scale = 1.0 / static_cast<double>(graded);
  const std::size_t n = model.parameter_count();
  std::vector<double> shard_loss(static_cast<std::size_t>(S));
  std::vector<std::int64_t> shard_correct(static_cast<std::size_t>(S));
  detail::run_slots(ws, detail::shard_rows(data, idx, bounds), detail::total_tokens(data, idx), [&](std::int64_t k, std::int64_t s) {
    ShardWork<T>& w = ws.shards[static_cast<std::size_t>(k)];
    if (grad && s == k * S / std::min<std::int64_t>(S, ws.slots)) w.grad.assign(n, T(0));  // first shard of the slot
    w.rows = make_rows(data, idx, bounds[static_cast<std::size_t>(s)], bounds[static_cast<std::size_t>(s) + 1],
                       Outputs::graded, model.config());
    model.loss_and_grad(w, scale, grad != nullptr);
    shard_loss[static_cast<std::size_t>(s)] = w.loss_sum_nats;
    std::int64_t c = 0;
    for (auto x : w.correct) c += x;
    shard_correct[static_cast<std::size_t>(s)] = c;
  });
  BatchLoss out;
  out.graded = graded;
  double sum = 0;
  for (std::int64_t s = 0; s < S; ++s) {
    sum += shard_loss[static_cast<std::size_t>(s)];
    out.correct += shard_correct[static_cast<std::size_t>(s)];
  }
  out.loss_nats = sum * scale;
  if (grad) {
    const std::int64_t K = std::min<std::int64_t>(S, ws.slots);
    grad->resize(n);
    const std::int64_t chunks = static_cast<std::int64_t>((n + 4095) / 4096);
    // Summed in slot order element by element: the order never depends on the thread count.
    const std::int64_t work = n >= 65536 ? std::numeric_limits<std::int64_t>::max() : 0;
    detail::for_each_shard(chunks, work, [&](std::int64_t c) {
      const std::size_t lo = static_cast<std::size_t>(c) * 4096, hi = std::min(n, lo + 4096);
      T* g = grad->data();
      std::copy(ws.shards[0].grad.begin() + static_cast<std::ptrdiff_t>(lo),
                ws.shards[0].grad.begin() + static_cast<std::ptrdiff_t>(hi), g + lo);
      for (std::int64_t k = 1; k < K; ++k) {
        const T* src = ws.shards[static_cast<std::size_t>(k)].grad.data();
        for (std::size_t e = lo; e < hi; ++e) g[e] += src[e];
      }
    });
  }
  return out;
}

/// Teacher-forced metrics of a model on a set of sequences.
struct EvalMetrics {
  double loss_nats = 0;                       // mean −log p per graded token
  double token_accuracy = 0;                  // fraction of graded tokens predicted (argmax)
  double exact_match = 0;                     // fraction of sequences with every graded token right;
                                              // equals greedy-decoding exact match when the graded
                                              // tokens are a suffix (the usual answer layout)
  std::vector<double> per_position_accuracy;  // accuracy of the k-th graded token of a sequence
  std::int64_t sequences = 0, graded = 0;

  core::Json to_json() const {
    core::Json j;
    j["loss_nats"] = loss_nats;
    j["token_accuracy"] = token_accuracy;
    j["exact_match"] = exact_match;
    j["per_position_accuracy"] = per_position_accuracy;
    j["sequences"] = sequences;
    j["graded"] = graded;
    return j;
  }
};

/// Loss, token accuracy, exact match and per-position accuracy of `model` on all of `data`
/// (teacher-forced: one forward pass, no decoding). Sequences without graded tokens count as
/// exact matches. O(forward over data).
template <class T>
EvalMetrics evaluate(const Transformer<T>& model, const std::vector<core::Sequence>& data, Workspace<T>& ws) {
  std::vector<std::size_t> idx(data.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const std::vector<std::size_t> bounds = shard_bounds(data, idx, ws.rows_per_shard);
  const std::int64_t S = static_cast<std::int64_t>(bounds.size()) - 1;
  std::vector<std::uint8_t> exact(data.size(), 1);
  std::vector<std::vector<std::int64_t>> pos_right(static_cast<std::size_t>(S)), pos_total(static_cast<std::size_t>(S));
  std::vector<double> shard_loss(static_cast<std::size_t>(S));
  std::vector<std::int64_t> shard_graded(static_cast<std::size_t>(S)), shard_correct(static_cast<std::size_t>(S));
  detail::run_slots(ws, detail::shard_rows(data, idx, bounds), detail::total_tokens(data, idx), [&](std::int64_t k, std::int64_t s) {
    ShardWork<T>& w = ws.shards[static_cast<std::size_t>(k)];
    const std::size_t b0 = bounds[static_cast<std::size_t>(s)];
    w.rows = make_rows(data, idx, b0, bounds[static_cast<std::size_t>(s) + 1], Outputs::graded, model.config());
    model.loss_and_grad(w, 0.0, false);
    auto& right = pos_right[static_cast<std::size_t>(s)];
    auto& total = pos_total[static_cast<std::size_t>(s)];
    std::int64_t prev_seq = -1, kk = 0, correct = 0;
    for (std::size_t i = 0; i < w.rows.out_rows.size(); ++i) {
      const std::int64_t seq = w.rows.out_rows[i] / w.rows.len;
      kk = seq == prev_seq ? kk + 1 : 0;
      prev_seq = seq;
      if (static_cast<std::int64_t>(right.size()) <= kk) {
        right.resize(static_cast<std::size_t>(kk + 1), 0);
        total.resize(static_cast<std::size_t>(kk + 1), 0);
      }
      right[static_cast<std::size_t>(kk)] += w.correct[i];
      total[static_cast<std::size_t>(kk)] += 1;
      correct += w.correct[i];
      if (!w.correct[i]) exact[b0 + static_cast<std::size_t>(seq)] = 0;
    }
    shard_loss[static_cast<std::size_t>(s)] = w.loss_sum_nats;
    shard_graded[static_cast<std::size_t>(s)] = static_cast<std::int64_t>(w.correct.size());
    shard_correct[static_cast<std::size_t>(s)] = correct;
  });
  EvalMetrics m;
  m.sequences = static_cast<std::int64_t>(data.size());
  double loss = 0;
  std::int64_t correct = 0;
  std::vector<std::int64_t> right, total;
  for (std::int64_t s = 0; s < S; ++s) {
    loss += shard_loss[static_cast<std::size_t>(s)];
    m.graded += shard_graded[static_cast<std::size_t>(s)];
    correct += shard_correct[static_cast<std::size_t>(s)];
    const auto& r = pos_right[static_cast<std::size_t>(s)];
    if (right.size() < r.size()) {
      right.resize(r.size(), 0);
      total.resize(r.size(), 0);
    }
    for (std::size_t k = 0; k < r.size(); ++k) {
      right[k] += r[k];
      total[k] += pos_total[static_cast<std::size_t>(s)][k];
    }
  }
  if (m.graded > 0) {
    m.loss_nats = loss / static_cast<double>(m.graded);
    m.token_accuracy = static_cast<double>(correct) / static_cast<double>(m.graded);
  }
  std::int64_t ex = 0;
  for (auto e : exact) ex += e;
  m.exact_match = data.empty() ? 0.0 : static_cast<double>(ex) / static_cast<double>(data.size());
  for (std::size_t k = 0; k < right.size(); ++k)
    m.per_position_accuracy.push_back(static_cast<double>(right[k]) / static_cast<double>(total[k]));
  return m;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_BATCH_HPP
