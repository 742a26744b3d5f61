#ifndef GENLAB_NN_CONFIG_HPP
#define GENLAB_NN_CONFIG_HPP
// The architecture of genlab's decoder-only transformer: one plain struct, validated, written to
// and read from JSON (the checkpoint's config.json). Presets for the two models the grokking and
// length-generalization experiments need: the 1-layer model of Nanda et al., "Progress measures
// for grokking via mechanistic interpretability" (ICLR 2023, arXiv 2301.05217) and the 2-layer
// post-LN model of Power et al., "Grokking: Generalization Beyond Overfitting on Small Algorithmic
// Datasets" (arXiv 2201.02177).

#include <cstdint>
#include <string>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/nn/detail/json_config.hpp"

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
/// "length-dependent tempered softmax" of Awasthi & Gupta, "Improving Length-Generalization in
/// Transformers via Task Hinting", arXiv 2310.00726). n counts the keys a query
/// attends to (its position + 1), so the rule is causal and works unchanged under a KV cache.
enum class AttentionScale { inv_sqrt_d, log_n, tempered };
/// MLP non-linearity. gelu is the exact erf form (PyTorch's nn.GELU default).
enum class Activation { relu, gelu };

// JSON names (checkpoints and result folders store these strings: never rename them).
NLOHMANN_JSON_SERIALIZE_ENUM(Norm, {{Norm::none, "none"}, {Norm::pre, "pre"}, {Norm::post, "post"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Positions, {{Positions::none, "none"},
                                         {Positions::learned, "learned"},
                                         {Positions::sinusoidal, "sinusoidal"},
                                         {Positions::rope, "rope"}})
NLOHMANN_JSON_SERIALIZE_ENUM(AttentionScale, {{AttentionScale::inv_sqrt_d, "inv_sqrt_d"},
                                              {AttentionScale::log_n, "log_n"},
                                              {AttentionScale::tempered, "tempered"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Activation, {{Activation::relu, "relu"}, {Activation::gelu, "gelu"}})

inline const char* to_string(Norm v) { return detail::enum_name(v); }
inline const char* to_string(Positions v) { return detail::enum_name(v); }
inline const char* to_string(AttentionScale v) { return detail::enum_name(v); }
inline const char* to_string(Activation v) { return detail::enum_name(v); }

struct ModelConfig;
// Defined by nlohmann's macro below the struct; declared here for the members that use them.
inline void to_json(core::Json& j, const ModelConfig& c);
inline void from_json(const core::Json& j, ModelConfig& c);

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

  /// The config as JSON: every field under its own name, enums as their names.
  core::Json to_json() const { return core::Json(*this); }

  /// Inverse of to_json; absent keys keep their defaults; the result is validated. Throws
  /// std::invalid_argument naming the key for an unknown key, a value of the wrong type or an
  /// unknown enum name (nlohmann's macro alone would throw without the key or map an unknown
  /// name to the first enumerator). With `require_all`, an absent key is an error too
  /// (checkpoints, which always write every key).
  static ModelConfig from_json(const core::Json& j, bool require_all = false) {
    detail::check_config_json(j, ModelConfig{}.to_json(),
                              {{"activation", &detail::enum_names<Activation>()},
                               {"norm", &detail::enum_names<Norm>()},
                               {"positions", &detail::enum_names<Positions>()},
                               {"attention_scale", &detail::enum_names<AttentionScale>()}},
                              "genlab::nn::ModelConfig::from_json", require_all);
    ModelConfig c = j.get<ModelConfig>();
    c.validate();
    return c;
  }
};

// nlohmann's macro: the JSON keys are the field names (as the checkpoints on disk have them).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ModelConfig, vocab_size, max_seq_len, n_layers, d_model, n_heads,
                                                d_mlp, activation, norm, positions, attention_scale, scale_length,
                                                attn_bias, mlp_bias, unembed_bias, tied_embeddings, ln_eps, rope_base,
                                                init_std)

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
