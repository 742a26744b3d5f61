#ifndef GENLAB_NN_DECODE_HPP
#define GENLAB_NN_DECODE_HPP
// Greedy batched decoding with a KV cache, and free-running accuracy (exact match and accuracy by
// answer position). Prompts are grouped into shards as in training; each shard prefills its
// prompts once and then appends one token per sequence per step, attending to cached keys and
// values (cost O(length) per new token instead of O(length²) for a recompute).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/batch.hpp"

namespace genlab::nn {

namespace detail {
template <class T>
std::int32_t argmax_row(const Matrix<T>& logits, Eigen::Index r) {
  Eigen::Index am = 0;
  for (Eigen::Index c = 1; c < logits.cols(); ++c)
    if (logits(r, c) > logits(r, am)) am = c;
  return static_cast<std::int32_t>(am);
}
}  // namespace detail

/// Greedy continuation: prompts[i] followed by its n_new[i] most likely next tokens, one at a
/// time (ties go to the lowest id). Returns only the generated tokens. With learned positions,
/// prompt + generated − 1 must fit in max_seq_len. Deterministic for any thread count.
/// O(Σ_i (prompt_i + n_new_i)² · d · layers) in attention plus the usual per-token GEMMs.
template <class T>
std::vector<std::vector<core::Token>> greedy_generate(const Transformer<T>& model,
                                                      const std::vector<std::vector<core::Token>>& prompts,
                                                      const std::vector<std::int64_t>& n_new, Workspace<T>& ws) {
  const char* where = "genlab::nn::greedy_generate";
  core::require(n_new.size() == prompts.size(), where, "n_new.size()", n_new.size(),
                "prompts.size() = " + std::to_string(prompts.size()));
  // Shards are cut on prompt + answer length, through pseudo-sequences of that many tokens.
  std::vector<core::Sequence> proxy(prompts.size());
  std::vector<std::size_t> idx(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    core::require(!prompts[i].empty(), where, "prompt length", 0, ">= 1");
    core::require(n_new[i] >= 0, where, "n_new", n_new[i], ">= 0");
    for (auto t : prompts[i])
      core::require(t >= 0 && t < model.config().vocab_size, where, "token", t,
                    "an id in 0.." + std::to_string(model.config().vocab_size - 1));
    proxy[i].tokens.resize(prompts[i].size() + static_cast<std::size_t>(n_new[i]));
    idx[i] = i;
  }
  const std::vector<std::size_t> bounds = shard_bounds(proxy, idx, ws.rows_per_shard);
  std::vector<std::vector<core::Token>> out(prompts.size());
  detail::run_slots(ws, detail::shard_rows(proxy, idx, bounds), detail::total_tokens(proxy, idx), [&](std::int64_t k, std::int64_t s) {
    {
      ShardWork<T>& w = ws.shards[static_cast<std::size_t>(k)];
      const std::size_t b0 = bounds[static_cast<std::size_t>(s)], b1 = bounds[static_cast<std::size_t>(s) + 1];
      Rows r;
      r.n_seq = static_cast<std::int64_t>(b1 - b0);
      std::int64_t capacity = 1;
      for (std::size_t i = b0; i < b1; ++i) {
        r.len = std::max<std::int64_t>(r.len, static_cast<std::int64_t>(prompts[i].size()));
        capacity = std::max<std::int64_t>(capacity, static_cast<std::int64_t>(prompts[i].size()) + n_new[i]);
      }
      capacity = std::max(capacity, r.len);
      core::require(model.config().positions != Positions::learned || r.len <= model.config().max_seq_len, where,
                    "prompt length", r.len, "<= max_seq_len with learned positions");
      r.tokens.assign(static_cast<std::size_t>(r.rows()), 0);
      r.pos.resize(static_cast<std::size_t>(r.rows()));
      for (std::int64_t b = 0; b < r.n_seq; ++b) {
        const auto& p = prompts[b0 + static_cast<std::size_t>(b)];
        for (std::int64_t t = 0; t < r.len; ++t) {
          r.pos[static_cast<std::size_t>(b * r.len + t)] = static_cast<std::int32_t>(t);
          if (t < static_cast<std::int64_t>(p.size())) r.tokens[static_cast<std::size_t>(b * r.len + t)] = p[static_cast<std::size_t>(t)];
        }
        r.out_rows.push_back(static_cast<std::int32_t>(b * r.len + static_cast<std::int64_t>(p.size()) - 1));
      }
      w.rows = std::move(r);
      model.prefill(w, capacity);
      std::vector<std::int32_t> seqs, tokens, positions;
      for (std::int64_t b = 0; b < w.rows.n_seq; ++b) {
        const std::size_t i = b0 + static_cast<std::size_t>(b);
        if (n_new[i] > 0) out[i].push_back(detail::argmax_row(w.logits, b));
      }
      for (;;) {
        seqs.clear();
        tokens.clear();
        positions.clear();
        for (std::int64_t b = 0; b < static_cast<std::int64_t>(b1 - b0); ++b) {
          const std::size_t i = b0 + static_cast<std::size_t>(b);
          if (static_cast<std::int64_t>(out[i].size()) >= n_new[i]) continue;
          seqs.push_back(static_cast<std::int32_t>(b));
          tokens.push_back(out[i].back());
          positions.push_back(static_cast<std::int32_t>(prompts[i].size() + out[i].size() - 1));
        }
        if (seqs.empty()) break;
        model.decode_step(w, seqs, tokens, positions);
        for (std::size_t q = 0; q < seqs.size(); ++q)
          out[b0 + static_cast<std::size_t>(seqs[q])].push_back(detail::argmax_row(w.logits, static_cast<Eigen::Index>(q)));
      }
    }
  });
  return out;
}

/// Free-running (greedy) accuracy: exact match of whole answers and accuracy at each answer
/// position, where an answer position's errors include those caused by earlier mistakes.
struct DecodeMetrics {
  double exact_match = 0;
  std::vector<double> per_position_accuracy;  // k-th graded token of the answer
  std::int64_t sequences = 0;
  core::Json to_json() const {
    core::Json j;
    j["exact_match"] = exact_match;
    j["per_position_accuracy"] = per_position_accuracy;
    j["sequences"] = sequences;
    return j;
  }
};

/// Decodes every sequence greedily from its prompt (the tokens before its first graded token)
/// for as many tokens as follow it, and grades the graded positions.
template <class T>
DecodeMetrics greedy_accuracy(const Transformer<T>& model, const std::vector<core::Sequence>& data, Workspace<T>& ws) {
  std::vector<std::vector<core::Token>> prompts(data.size());
  std::vector<std::int64_t> n_new(data.size());
  std::vector<std::size_t> first(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i].validate(static_cast<std::size_t>(model.config().vocab_size));
    const std::size_t f = core::prompt_length(data[i]);
    core::require(f >= 1, "genlab::nn::greedy_accuracy", "first graded position", f,
                  ">= 1 (the prompt needs at least one token)");
    first[i] = f;
    prompts[i].assign(data[i].tokens.begin(), data[i].tokens.begin() + static_cast<std::ptrdiff_t>(f));
    n_new[i] = static_cast<std::int64_t>(data[i].size() - f);
  }
  const auto gen = greedy_generate(model, prompts, n_new, ws);
  DecodeMetrics m;
  m.sequences = static_cast<std::int64_t>(data.size());
  std::vector<std::int64_t> right, total;
  std::int64_t exact = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    bool ok = true;
    std::size_t k = 0;
    for (std::size_t t = first[i]; t < data[i].size(); ++t) {
      if (!data[i].loss_mask[t]) continue;
      const bool hit = gen[i][t - first[i]] == data[i].tokens[t];
      if (right.size() <= k) {
        right.resize(k + 1, 0);
        total.resize(k + 1, 0);
      }
      right[k] += hit;
      total[k] += 1;
      ok = ok && hit;
      ++k;
    }
    exact += ok;
  }
  m.exact_match = data.empty() ? 0.0 : static_cast<double>(exact) / static_cast<double>(data.size());
  for (std::size_t k = 0; k < right.size(); ++k)
    m.per_position_accuracy.push_back(static_cast<double>(right[k]) / static_cast<double>(total[k]));
  return m;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_DECODE_HPP
