#ifndef GENLAB_NN_CONFIG_HPP
#define GENLAB_NN_CONFIG_HPP
// The architecture of genlab's decoder-only transformer: one plain struct, validated, written to
// and read from JSON (the checkpoint's config.json). Presets for the two models the grokking and
// length-generalization experiments need: Nanda et al. 2023's 1-layer model (length_grokking.md
// §3.2) and Power et al. 2022's 2-layer post-LN model (§3.1).

#include <cstdint>
#include <string>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::nn {

/// Where LayerNorm sits. none: Nanda's grokking model; pre: GPT-2 (plus a final LN before the
/// unembedding); post: the original transformer and Power et al. (LN(x + sublayer(x))).
enum class Norm { none, pre, post };
/// Position information. none: NoPE (causal masking alone), learned: a trained table W_pos of
/// max_seq_len rows, sinusoidal: Vaswani et al.'s fixed code added to the embedding, rope:
/// rotary embeddings applied to queries and keys in every layer (half-split pairing, base 10000).
enum class Positions { none, learned, sinusoidal, rope };
/// Attention logit scale. inv_sqrt_d: q·k/√d_head. log_n: q·k/√d_head · log(n)/log(scale_length)
/// for a query that sees n keys (fixed log-n scaling, Awasthi & Gupta's reviewer baseline).
/// tempered: q·k/√d_head · β_n with one learned β_n per context size n = 1..scale_length per
/// layer, and for n > scale_length the least-squares line β = a + b·log n through β_2..β_L (the
/// "length-dependent tempered softmax", length_grokking.md §1.4). n counts the keys a query
/// attends to (its position + 1), so the rule is causal and works unchanged under a KV cache.
enum class AttentionScale { inv_sqrt_d, log_n, tempered };
/// MLP non-linearity. gelu is the exact erf form (PyTorch's nn.GELU default).
enum class Activation { relu, gelu };

inline const char* to_string(Norm v) { return v == Norm::none ? "none" : v == Norm::pre ? "pre" : "post"; }
inline const char* to_string(Positions v) {
  switch (v) {
    case Positions::none: return "none";
    case Positions::learned: return "learned";
    case Positions::sinusoidal: return "sinusoidal";
    default: return "rope";
  }
}
inline const char* to_string(AttentionScale v) {
  return v == AttentionScale::inv_sqrt_d ? "inv_sqrt_d" : v == AttentionScale::log_n ? "log_n" : "tempered";
}
inline const char* to_string(Activation v) { return v == Activation::relu ? "relu" : "gelu"; }

namespace detail {
template <class E, std::size_t N>
E enum_from_string(const std::string& s, const E (&values)[N], const char* param) {
  std::string options;
  for (E v : values) {
    if (s == to_string(v)) return v;
    options += (options.empty() ? "" : ", ") + std::string(to_string(v));
  }
  core::throw_invalid_argument("genlab::nn::ModelConfig::from_json", param, s, "one of " + options);
}
}  // namespace detail

/// The transformer's shape. Defaults are Nanda et al.'s grokking model for p = 113.
struct ModelConfig {
  std::int64_t vocab_size = 114;
  std::int64_t max_seq_len = 3;      // input positions; a hard limit only with learned positions
  std::int64_t n_layers = 1;
  std::int64_t d_model = 128;
  std::int64_t n_heads = 4;          // d_head = d_model / n_heads
  std::int64_t d_mlp = 512;
  Activation activation = Activation::relu;
  Norm norm = Norm::none;
  Positions positions = Positions::learned;
  AttentionScale attention_scale = AttentionScale::inv_sqrt_d;
  std::int64_t scale_length = 20;    // n_train of log_n, table size of tempered
  bool attn_bias = false;            // b_Q, b_K, b_V, b_O
  bool mlp_bias = true;              // b_in, b_out
  bool unembed_bias = false;         // b_U
  bool tied_embeddings = false;      // logits = h · W_Eᵀ instead of h · W_U
  double ln_eps = 1e-5;
  double rope_base = 10000.0;
  /// Initial weights: 0 selects Nanda's scheme (every matrix N(0, 1/d_model), W_U N(0, 1/vocab));
  /// > 0 draws every matrix from N(0, init_std²). Biases start at 0, LN gains at 1, β_n at 1.
  double init_std = 0.0;

  std::int64_t d_head() const { return d_model / n_heads; }

  /// Throws std::invalid_argument naming the first bad field.
  void validate() const {
    const char* where = "genlab::nn::ModelConfig::validate";
    core::require(vocab_size >= 2, where, "vocab_size", vocab_size, ">= 2");
    core::require(max_seq_len >= 1, where, "max_seq_len", max_seq_len, ">= 1");
    core::require(n_layers >= 1, where, "n_layers", n_layers, ">= 1");
    core::require(d_model >= 1, where, "d_model", d_model, ">= 1");
    core::require(n_heads >= 1 && d_model % n_heads == 0, where, "n_heads", n_heads,
                  "a divisor of d_model = " + std::to_string(d_model));
    core::require(positions != Positions::rope || d_head() % 2 == 0, where, "d_model / n_heads", d_head(),
                  "even with rope positions");
    core::require(positions != Positions::sinusoidal || d_model % 2 == 0, where, "d_model", d_model,
                  "even with sinusoidal positions");
    core::require(d_mlp >= 1, where, "d_mlp", d_mlp, ">= 1");
    core::require(attention_scale == AttentionScale::inv_sqrt_d || scale_length >= 2, where, "scale_length",
                  scale_length, ">= 2 with log_n or tempered attention scaling");
    core::require(attention_scale != AttentionScale::tempered || scale_length >= 3, where, "scale_length",
                  scale_length, ">= 3 with tempered scaling (the extrapolation line needs two points)");
    core::require(ln_eps > 0, where, "ln_eps", ln_eps, "> 0");
    core::require(rope_base > 1, where, "rope_base", rope_base, "> 1");
    core::require(init_std >= 0, where, "init_std", init_std, ">= 0 (0 = Nanda's scheme)");
  }

  core::Json to_json() const {
    core::Json j;
    j["vocab_size"] = vocab_size;
    j["max_seq_len"] = max_seq_len;
    j["n_layers"] = n_layers;
    j["d_model"] = d_model;
    j["n_heads"] = n_heads;
    j["d_mlp"] = d_mlp;
    j["activation"] = to_string(activation);
    j["norm"] = to_string(norm);
    j["positions"] = to_string(positions);
    j["attention_scale"] = to_string(attention_scale);
    j["scale_length"] = scale_length;
    j["attn_bias"] = attn_bias;
    j["mlp_bias"] = mlp_bias;
    j["unembed_bias"] = unembed_bias;
    j["tied_embeddings"] = tied_embeddings;
    j["ln_eps"] = ln_eps;
    j["rope_base"] = rope_base;
    j["init_std"] = init_std;
    return j;
  }

  /// Inverse of to_json; absent keys keep their defaults; the result is validated.
  static ModelConfig from_json(const core::Json& j) {
    ModelConfig c;
    auto get = [&](const char* k, auto& field) {
      if (j.contains(k)) field = j.at(k).get<std::decay_t<decltype(field)>>();
    };
    get("vocab_size", c.vocab_size);
    get("max_seq_len", c.max_seq_len);
    get("n_layers", c.n_layers);
    get("d_model", c.d_model);
    get("n_heads", c.n_heads);
    get("d_mlp", c.d_mlp);
    get("scale_length", c.scale_length);
    get("attn_bias", c.attn_bias);
    get("mlp_bias", c.mlp_bias);
    get("unembed_bias", c.unembed_bias);
    get("tied_embeddings", c.tied_embeddings);
    get("ln_eps", c.ln_eps);
    get("rope_base", c.rope_base);
    get("init_std", c.init_std);
    static const Activation acts[] = {Activation::relu, Activation::gelu};
    static const Norm norms[] = {Norm::none, Norm::pre, Norm::post};
    static const Positions poss[] = {Positions::none, Positions::learned, Positions::sinusoidal, Positions::rope};
    static const AttentionScale scales[] = {AttentionScale::inv_sqrt_d, AttentionScale::log_n,
                                            AttentionScale::tempered};
    if (j.contains("activation")) c.activation = detail::enum_from_string(j.at("activation").get<std::string>(), acts, "activation");
    if (j.contains("norm")) c.norm = detail::enum_from_string(j.at("norm").get<std::string>(), norms, "norm");
    if (j.contains("positions")) c.positions = detail::enum_from_string(j.at("positions").get<std::string>(), poss, "positions");
    if (j.contains("attention_scale"))
      c.attention_scale = detail::enum_from_string(j.at("attention_scale").get<std::string>(), scales, "attention_scale");
    c.validate();
    return c;
  }
};

/// Nanda et al. 2023's grokking model for (a + b) mod p: tokens a, b, '=' (id p), vocab p + 1,
/// 1 layer, d 128, 4 heads, MLP 512 ReLU, no LN, learned positions, untied, MLP biases only.
inline ModelConfig nanda_grokking_config(std::int64_t p = 113) {
  ModelConfig c;
  c.vocab_size = p + 1;
  c.max_seq_len = 3;
  return c;
}

/// Power et al. 2022's model (openai/grok defaults): 2 layers, d 128, 4 heads, post-LN,
/// sinusoidal positions, MLP 4× ReLU without biases, no output bias.
inline ModelConfig power_grokking_config(std::int64_t vocab_size, std::int64_t max_seq_len) {
  ModelConfig c;
  c.vocab_size = vocab_size;
  c.max_seq_len = max_seq_len;
  c.n_layers = 2;
  c.norm = Norm::post;
  c.positions = Positions::sinusoidal;
  c.mlp_bias = false;
  c.attn_bias = false;
  c.init_std = 0.02;
  return c;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_CONFIG_HPP
