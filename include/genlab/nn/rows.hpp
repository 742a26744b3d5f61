#ifndef GENLAB_NN_ROWS_HPP
#define GENLAB_NN_ROWS_HPP
// How token sequences become the rows the transformer computes on, and how a batch is cut into
// shards. A shard is a contiguous run of sequences laid out as n_seq × len rows (padded on the
// right with token 0; causal attention means padding never reaches a real position). Shards are
// cut by token count alone, never by thread count, so sums over shards (gradients, losses) are
// formed in the same order whatever the number of threads: results are bit-identical with 1 or
// 16 threads.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/config.hpp"

namespace genlab::nn {

/// Which positions produce logits. graded: the positions that predict a graded token (training
/// and teacher-forced evaluation); last: each sequence's last position (decoding); all: every
/// real position (probes).
enum class Outputs { graded, last, all };

/// The row layout of one shard. Row r is (sequence r / len, position r % len).
struct Rows {
  std::int64_t n_seq = 0, len = 0;
  std::vector<std::int32_t> tokens;    // [n_seq·len], 0 on padding
  std::vector<std::int32_t> pos;       // [n_seq·len] position of each row
  std::vector<std::int32_t> seq_len;   // [n_seq] real input length
  std::vector<std::int32_t> out_rows;  // rows whose logits are computed, ascending
  std::vector<std::int32_t> targets;   // [out_rows] next token (graded mode), else empty
  std::int64_t rows() const { return n_seq * len; }
};

/// The model input of a training sequence is tokens[0..n−2]; row t predicts tokens[t+1], graded
/// when loss_mask[t+1] = 1. Builds the rows of sequences idx[begin..end) of `data`
/// (Outputs::graded or all; for `last` the whole sequence is the input, as a prompt).
/// Throws std::invalid_argument for an out-of-range token, a mask on the first token (nothing
/// predicts it), or, with learned positions, an input longer than max_seq_len.
inline Rows make_rows(const std::vector<core::Sequence>& data, const std::vector<std::size_t>& idx, std::size_t begin,
                      std::size_t end, Outputs outputs, const ModelConfig& cfg) {
  const char* where = "genlab::nn::make_rows";
  Rows r;
  r.n_seq = static_cast<std::int64_t>(end - begin);
  const bool prompt = outputs == Outputs::last;
  for (std::size_t i = begin; i < end; ++i) {
    const core::Sequence& s = data[idx[i]];
    s.validate(static_cast<std::size_t>(cfg.vocab_size));
    const std::int64_t n_in = static_cast<std::int64_t>(s.size()) - (prompt ? 0 : 1);
    core::require(n_in >= 1, where, "sequence length", s.size(), prompt ? ">= 1 token" : ">= 2 tokens (an input and a target)");
    core::require(s.loss_mask.empty() || prompt || s.loss_mask[0] == 0, where, "loss_mask[0]", int(s.loss_mask[0]),
                  "0 (no position predicts the first token)");
    core::require(cfg.positions != Positions::learned || n_in <= cfg.max_seq_len, where, "input length", n_in,
                  "<= max_seq_len = " + std::to_string(cfg.max_seq_len) + " with learned positions");
    r.len = std::max(r.len, n_in);
  }
  const std::int64_t R = r.rows();
  r.tokens.assign(static_cast<std::size_t>(R), 0);
  r.pos.resize(static_cast<std::size_t>(R));
  r.seq_len.resize(static_cast<std::size_t>(r.n_seq));
  for (std::int64_t b = 0; b < r.n_seq; ++b) {
    const core::Sequence& s = data[idx[begin + static_cast<std::size_t>(b)]];
    const std::int64_t n_in = static_cast<std::int64_t>(s.size()) - (prompt ? 0 : 1);
    r.seq_len[static_cast<std::size_t>(b)] = static_cast<std::int32_t>(n_in);
    for (std::int64_t t = 0; t < r.len; ++t) {
      const std::size_t row = static_cast<std::size_t>(b * r.len + t);
      r.pos[row] = static_cast<std::int32_t>(t);
      if (t < n_in) r.tokens[row] = static_cast<std::int32_t>(s.tokens[static_cast<std::size_t>(t)]);
    }
    if (outputs == Outputs::last) {
      r.out_rows.push_back(static_cast<std::int32_t>(b * r.len + n_in - 1));
    } else {
      for (std::int64_t t = 0; t < n_in; ++t) {
        if (outputs == Outputs::graded && s.loss_mask[static_cast<std::size_t>(t + 1)] == 0) continue;
        r.out_rows.push_back(static_cast<std::int32_t>(b * r.len + t));
        r.targets.push_back(static_cast<std::int32_t>(s.tokens[static_cast<std::size_t>(t + 1)]));
      }
    }
  }
  return r;
}

namespace detail {
/// The fewest contiguous shards of at most `cap` padded rows each (longest sequence × count; a
/// sequence longer than cap gets a shard of its own), cut greedily: boundaries [0, ..., n]. The
/// count never grows with cap.
inline std::vector<std::size_t> greedy_shard_bounds(const std::vector<core::Sequence>& data,
                                                    const std::vector<std::size_t>& idx, std::int64_t cap) {
  std::vector<std::size_t> bounds{0};
  std::int64_t max_len = 0, count = 0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const std::int64_t n = static_cast<std::int64_t>(data[idx[i]].size());
    const std::int64_t new_max = std::max(max_len, n);
    if (count > 0 && new_max * (count + 1) > cap) {
      bounds.push_back(i);
      max_len = n;
      count = 1;
    } else {
      max_len = new_max;
      ++count;
    }
  }
  if (!idx.empty()) bounds.push_back(idx.size());
  return bounds;
}
}  // namespace detail

/// Cuts sequences idx[0..n) into the fewest contiguous shards of at most `rows_per_shard` padded
/// rows each (a longer sequence gets a shard of its own), with the largest as small as that
/// count allows: the smallest cap that still needs no more shards. So 64 lists of 41 tokens at
/// 512 rows are six shards of 11, 11, 11, 11, 11 and 9 lists, not five of 12 and one of 4, which
/// kept one of two threads idle for an eighth of a training step. Returns the shard boundaries
/// [b0 = 0, b1, ..., n]. O(n log rows_per_shard).
inline std::vector<std::size_t> shard_bounds(const std::vector<core::Sequence>& data,
                                             const std::vector<std::size_t>& idx, std::int64_t rows_per_shard) {
  core::require(rows_per_shard >= 1, "genlab::nn::shard_bounds", "rows_per_shard", rows_per_shard, ">= 1");
  const std::vector<std::size_t> fewest = detail::greedy_shard_bounds(data, idx, rows_per_shard);
  if (fewest.size() <= 2) return fewest;
  // The smallest cap that needs no more shards (greedy counts never grow with the cap).
  const std::size_t count = fewest.size() - 1;
  std::int64_t lo = 1, hi = rows_per_shard;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (detail::greedy_shard_bounds(data, idx, mid).size() - 1 <= count) hi = mid;
    else lo = mid + 1;
  }
  return detail::greedy_shard_bounds(data, idx, lo);
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_ROWS_HPP
