#ifndef GENLAB_NN_ADAMW_HPP
#define GENLAB_NN_ADAMW_HPP
// AdamW (Loshchilov & Hutter 2019) with decoupled weight decay, linear warmup, constant or cosine
// schedule and global-norm gradient clipping, written to match torch.optim.AdamW step for step
// (same operation order), so a PyTorch run on the same weights gives the same trajectory.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/constants.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/nn/detail/json_config.hpp"
#include "genlab/nn/parameters.hpp"

namespace genlab::nn {

/// Learning-rate schedule after warmup.
enum class Schedule { constant, cosine };
// JSON names (stored in checkpoints: never rename them).
NLOHMANN_JSON_SERIALIZE_ENUM(Schedule, {{Schedule::constant, "constant"}, {Schedule::cosine, "cosine"}})
inline const char* to_string(Schedule s) { return detail::enum_name(s); }

struct AdamWConfig;
// Defined by nlohmann's macro below the struct; declared here for the members that use them.
inline void to_json(core::Json& j, const AdamWConfig& c);
inline void from_json(const core::Json& j, AdamWConfig& c);

/// Optimizer settings. Defaults are the grokking run of Nanda et al., "Progress measures for grokking
/// via mechanistic interpretability", ICLR 2023 (arXiv 2301.05217), training setup: AdamW, lr 1e-3,
/// weight decay 1, β = (0.9, 0.98).
struct AdamWConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  double weight_decay = 1.0;        // decoupled: θ ← θ·(1 − lr_t·wd) before the Adam step
  std::int64_t warmup_steps = 10;   // lr_t = lr·min(1, (t+1)/warmup) for update t = 0, 1, ...
  Schedule schedule = Schedule::constant;
  std::int64_t total_steps = 0;     // cosine: decays to min_lr_ratio·lr at this many updates
  double min_lr_ratio = 0.0;
  double grad_clip = 0.0;           // max global L2 norm of the gradient; 0 = no clipping
  bool decay_matrices_only = false; // false: decay every parameter (torch's default, Nanda, Power)

  void validate() const {
    const char* where = "genlab::nn::AdamWConfig::validate";
    core::require(lr > 0 && std::isfinite(lr), where, "lr", lr, "a finite value > 0");
    core::require(beta1 >= 0 && beta1 < 1, where, "beta1", beta1, "in [0, 1)");
    core::require(beta2 >= 0 && beta2 < 1, where, "beta2", beta2, "in [0, 1)");
    core::require(eps > 0, where, "eps", eps, "> 0");
    core::require(weight_decay >= 0, where, "weight_decay", weight_decay, ">= 0");
    core::require(warmup_steps >= 0, where, "warmup_steps", warmup_steps, ">= 0");
    core::require(schedule != Schedule::cosine || total_steps > warmup_steps, where, "total_steps", total_steps,
                  "> warmup_steps = " + std::to_string(warmup_steps) + " with a cosine schedule");
    core::require(min_lr_ratio >= 0 && min_lr_ratio <= 1, where, "min_lr_ratio", min_lr_ratio, "in [0, 1]");
    core::require(grad_clip >= 0, where, "grad_clip", grad_clip, ">= 0 (0 = off)");
  }

  /// Learning rate of update `step` (0-based).
  double lr_at(std::int64_t step) const {
    double f = 1.0;
    if (warmup_steps > 0 && step < warmup_steps) f = static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
    if (schedule == Schedule::cosine && step >= warmup_steps) {
      const double progress = std::min(1.0, static_cast<double>(step - warmup_steps) /
                                                static_cast<double>(std::max<std::int64_t>(1, total_steps - warmup_steps)));
      f = min_lr_ratio + (1.0 - min_lr_ratio) * 0.5 * (1.0 + std::cos(core::pi * progress));
    }
    return lr * f;
  }

  /// The config as JSON: every field under its own name, the schedule as its name.
  core::Json to_json() const { return core::Json(*this); }

  /// Inverse of to_json; absent keys keep their defaults (all of them with `require_all` =
  /// false); the result is validated. Throws std::invalid_argument naming the key for an unknown
  /// key, a value of the wrong type or an unknown schedule name.
  static AdamWConfig from_json(const core::Json& j, bool require_all = false) {
    detail::check_config_json(j, AdamWConfig{}.to_json(), {{"schedule", &detail::enum_names<Schedule>()}},
                              "genlab::nn::AdamWConfig::from_json", require_all);
    AdamWConfig c = j.get<AdamWConfig>();
    c.validate();
    return c;
  }
};

// nlohmann's macro: the JSON keys are the field names (as the checkpoints on disk have them).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdamWConfig, lr, beta1, beta2, eps, weight_decay, warmup_steps,
                                                schedule, total_steps, min_lr_ratio, grad_clip, decay_matrices_only)

/// What one update did.
struct AdamWStep {
  double lr = 0;
  double grad_norm = 0;   // global L2 norm before clipping
  double clip_scale = 1;  // factor applied to the gradient (1 = not clipped)
};

/// AdamW state: first and second moments in the model's precision, and the update count.
template <class T>
class AdamW {
 public:
  explicit AdamW(const AdamWConfig& cfg = {}) : cfg_(cfg) { cfg_.validate(); }

  const AdamWConfig& config() const { return cfg_; }
  std::int64_t step() const { return step_; }
  std::vector<T>& m() { return m_; }
  std::vector<T>& v() { return v_; }
  const std::vector<T>& m() const { return m_; }
  const std::vector<T>& v() const { return v_; }
  /// Restores a saved state (checkpoint resume).
  void set_state(std::int64_t step, std::vector<T> m, std::vector<T> v) {
    core::require(m.size() == v.size(), "genlab::nn::AdamW::set_state", "v.size()", v.size(),
                  "m.size() = " + std::to_string(m.size()));
    step_ = step;
    m_ = std::move(m);
    v_ = std::move(v);
  }

  /// One update of `params` with gradient `grad` (clipped in place if grad_clip > 0), as
  /// torch.optim.AdamW: θ ← θ(1 − lr·wd); m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
  /// θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps). O(parameters).
  AdamWStep update(std::vector<T>& params, std::vector<T>& grad, const ParameterLayout& layout) {
    const std::size_t n = params.size();
    core::require(grad.size() == n, "genlab::nn::AdamW::update", "grad.size()", grad.size(),
                  "params.size() = " + std::to_string(n));
    if (m_.size() != n) {
      m_.assign(n, T(0));
      v_.assign(n, T(0));
    }
    // Pieces of at most kPiece elements inside one tensor: the unit of parallel work and of the
    // norm's partial sums, so every bit of the result is independent of the thread count.
    struct Piece {
      std::size_t begin, end;
      bool decayed;
    };
    std::vector<Piece> pieces;
    for (const auto& p : layout.infos()) {
      const bool decayed = cfg_.weight_decay > 0 && (!cfg_.decay_matrices_only || p.is_matrix);
      for (std::size_t b = p.offset; b < p.offset + p.size; b += kPiece)
        pieces.push_back({b, std::min(p.offset + p.size, b + kPiece), decayed});
    }
    const auto P = static_cast<std::int64_t>(pieces.size());
    const bool threaded = n >= kThreadedFrom;
    auto for_pieces = [&](auto&& f) {
      if (threaded) core::parallel_for(P, f);
      else for (std::int64_t i = 0; i < P; ++i) f(i);
    };
    AdamWStep info;
    info.lr = cfg_.lr_at(step_);
    // ‖g‖² in double: eight interleaved partial sums per piece (independent chains the compiler
    // can pipeline), pieces summed in order.
    std::vector<double> piece_sq(pieces.size());
    for_pieces([&](std::int64_t i) {
      const Piece& pc = pieces[static_cast<std::size_t>(i)];
      double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      std::size_t e = pc.begin;
      for (; e + 8 <= pc.end; e += 8)
        for (int k = 0; k < 8; ++k) acc[k] += static_cast<double>(grad[e + k]) * static_cast<double>(grad[e + k]);
      for (; e < pc.end; ++e) acc[0] += static_cast<double>(grad[e]) * static_cast<double>(grad[e]);
      piece_sq[static_cast<std::size_t>(i)] = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    });
    double sq = 0;
    for (double x : piece_sq) sq += x;
    info.grad_norm = std::sqrt(sq);
    if (!std::isfinite(info.grad_norm))
      throw std::runtime_error("genlab::nn::AdamW::update: gradient norm is not finite at update " +
                               std::to_string(step_));
    if (cfg_.grad_clip > 0 && info.grad_norm > cfg_.grad_clip)
      info.clip_scale = cfg_.grad_clip / (info.grad_norm + 1e-6);  // torch.nn.utils.clip_grad_norm_
    const bool clipped = info.clip_scale != 1;
    ++step_;
    const double bc1 = 1.0 - std::pow(cfg_.beta1, static_cast<double>(step_));
    const double bc2 = 1.0 - std::pow(cfg_.beta2, static_cast<double>(step_));
    const T step_size = static_cast<T>(info.lr / bc1), bc2_sqrt = static_cast<T>(std::sqrt(bc2));
    const T b1 = static_cast<T>(cfg_.beta1), b2 = static_cast<T>(cfg_.beta2), eps = static_cast<T>(cfg_.eps);
    const T one_b1 = static_cast<T>(1.0 - cfg_.beta1), one_b2 = static_cast<T>(1.0 - cfg_.beta2);
    const T decay = static_cast<T>(1.0 - info.lr * cfg_.weight_decay), clip = static_cast<T>(info.clip_scale);
    for_pieces([&](std::int64_t i) {
      const Piece& pc = pieces[static_cast<std::size_t>(i)];
      T* x = params.data();
      T* g = grad.data();
      T* m = m_.data();
      T* v = v_.data();
      const T keep = pc.decayed ? decay : T(1);
      for (std::size_t e = pc.begin; e < pc.end; ++e) {
        if (clipped) g[e] *= clip;  // the gradient is returned clipped
        x[e] *= keep;
        m[e] = b1 * m[e] + one_b1 * g[e];
        v[e] = b2 * v[e] + one_b2 * g[e] * g[e];
        x[e] -= step_size * m[e] / (std::sqrt(v[e]) / bc2_sqrt + eps);
      }
    });
    return info;
  }

 private:
  static constexpr std::size_t kPiece = 16384;          // elements per piece of work
  static constexpr std::size_t kThreadedFrom = 1 << 17;  // fewer parameters: one thread is faster
  AdamWConfig cfg_;
  std::vector<T> m_, v_;
  std::int64_t step_ = 0;
};

}  // namespace genlab::nn

#endif  // GENLAB_NN_ADAMW_HPP
