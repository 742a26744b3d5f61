#ifndef GENLAB_SPLITS_KNOWLEDGE_GRAPH_HPP
#define GENLAB_SPLITS_KNOWLEDGE_GRAPH_HPP
// Knowledge-graph reasoning datasets of Wang et al. 2024, "Grokked Transformers are Implicit
// Reasoners" (arXiv 2405.15071; OSU-NLP-Group/GrokkedTransformer composition.ipynb and
// comparison.ipynb): the composition (two-hop) and comparison datasets.
//
// Composition (two-hop). Each entity h gets out_degree distinct random relations, each with a
// uniformly random tail: |E|·out_degree atomic facts (h, r, t) (40,000 by default). A random
// ood_fraction of them (exactly round(0.05·N)) is OOD. Inferred facts (h, r1, r2, t) for every
// fact (h, r1, b) and every fact (b, r2, t): out_degree² per entity. Both hops OOD ->
// test_inferred_ood; exactly one OOD -> dropped; both ID -> test_inferred_iid with probability
// 0.005, else the train pool, from which round(φ·|atomic_ID|) are sampled (φ = 7.2 -> 273,600).
// Comparison. |E| entities, |A| attributes, |V| ordinal values, v(e, a) uniform. Per attribute
// the entities are split round(0.9·|E|) ID / rest OOD; an atomic fact (e, a, v) follows its
// entity. For every unordered pair {e1, e2} of an attribute both orders are emitted: both OOD ->
// test_inferred_ood, mixed -> dropped, both ID -> test_inferred_iid with probability 0.1 (decided
// per unordered pair, so a comparison and its mirror image stay together; ours) else the train
// pool, from which round(φ·|atomic_ID|) ordered comparisons are sampled.
//
// Datasets. "train" = every atomic fact (ID and OOD) + the sampled inferred facts; probe splits
// "id_atomic", "ood_atomic", "train_inferred", "test_inferred_iid", "test_inferred_ood" hold
// min(probe_size, available) random members of each set. group = 1 for atomic facts, 2 for
// inferred ones. Formats (loss on the target suffix, Wang's labels −100 elsewhere):
//   composition atomic    <e_h> <r_r> | <e_t> </a>        inferred  <e_h> <r_1> <r_2> | <e_t> </a>
//   comparison  atomic    <e> <attr_a> | <v_k> </a>       inferred  <attr_a> <q> <e1> <mask> <e2> | <attr_a_c> </a>
// with c = 0, 1, 2 for v(e1) <, =, > v(e2). Vocabulary: the entities, the relations (or the
// attributes, values and 3 labels per attribute), then Wang's 6 specials <mask> <sep> <a> </a>
// <q> </q> (2,206 tokens for the default composition). There is no separate <pad>: use <mask>.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/random.hpp"
#include "genlab/splits/common.hpp"

namespace genlab::splits {

namespace detail {
inline void add_wang_specials(core::Vocabulary& v) {
  for (const char* s : {"<mask>", "<sep>", "<a>", "</a>", "<q>", "</q>"}) v.add(s);
}
// min(k, n) distinct indices of 0..n-1 in random order.
inline std::vector<std::uint32_t> probe_indices(std::uint64_t seed, std::uint64_t split, std::size_t n, std::size_t k) {
  auto g = example_stream(seed, split, 0);
  return sample_without_replacement(g, static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(std::min(n, k)));
}
// A probe split: to_sequence applied to min(k, items.size()) random items (probe_indices order).
template <class Item, class ToSequence>
std::vector<core::Sequence> probe_sequences(std::uint64_t seed, std::uint64_t split, const std::vector<Item>& items,
                                            std::size_t k, ToSequence&& to_sequence) {
  std::vector<core::Sequence> out;
  for (auto i : probe_indices(seed, split, items.size(), k)) out.push_back(to_sequence(items[i]));
  return out;
}
}  // namespace detail

struct KgAtomicFact {
  std::uint32_t head, relation, tail;
};
struct KgInferredFact {
  std::uint32_t head, relation1, bridge, relation2, tail;
  std::uint32_t fact1, fact2;  ///< indices of the two atomic facts it composes
};

struct KgCompositionConfig {
  std::size_t num_entities = 2000;
  std::size_t num_relations = 200;
  std::size_t out_degree = 20;
  double ood_fraction = 0.05;
  double test_iid_probability = 0.005;
  double phi = 7.2;  ///< |train_inferred| / |atomic_ID|
  std::size_t probe_size = 3000;
  std::uint64_t seed = 0;

  void validate() const {
    const char* where = "genlab::splits::KgCompositionConfig::validate";
    core::require(num_entities >= 2 && num_entities <= (std::size_t{1} << 22), where, "num_entities", num_entities, "in 2..2^22");
    core::require(num_relations >= 1 && num_relations <= (std::size_t{1} << 20), where, "num_relations", num_relations, "in 1..2^20");
    core::require(out_degree >= 1 && out_degree <= num_relations, where, "out_degree", out_degree,
                  "in 1..num_relations = " + std::to_string(num_relations) + " (relations of an entity are distinct)");
    core::require(num_entities * out_degree * out_degree <= (std::size_t{1} << 31), where, "num_entities * out_degree^2",
                  num_entities * out_degree * out_degree, "<= 2^31 inferred facts");
    core::require(ood_fraction >= 0 && ood_fraction <= 1, where, "ood_fraction", ood_fraction, "in [0, 1]");
    core::require(test_iid_probability >= 0 && test_iid_probability <= 1, where, "test_iid_probability", test_iid_probability, "in [0, 1]");
    core::require(phi >= 0 && std::isfinite(phi), where, "phi", phi, ">= 0");
  }
  core::Json to_json() const {
    return core::Json{{"generator", "genlab::splits::make_kg_composition"},
                      {"num_entities", num_entities},
                      {"num_relations", num_relations},
                      {"out_degree", out_degree},
                      {"ood_fraction", ood_fraction},
                      {"test_iid_probability", test_iid_probability},
                      {"phi", phi},
                      {"probe_size", probe_size},
                      {"seed", seed}};
  }
};

/// The composition data: the facts themselves and the dataset built from them.
struct KgComposition {
  std::vector<KgAtomicFact> atomic;  ///< entity-major, out_degree per entity
  std::vector<bool> atomic_ood;
  std::vector<KgInferredFact> train_inferred, test_inferred_iid, test_inferred_ood;
  std::size_t train_pool_size = 0;  ///< ID–ID inferred facts not in test_inferred_iid
  core::Dataset dataset;
};

/// Wang et al.'s two-hop composition dataset (see the file comment). Streams: entity h's facts
/// (seed, 0, h); OOD choice (seed, 1, 0); test_iid draws (seed, 2, h); the φ sample (seed, 3, 0);
/// probe k (seed, 4 + k, 0). Throws if round(φ·|atomic_ID|) exceeds the train pool.
/// O(|E|·out_degree²) time and memory.
inline KgComposition make_kg_composition(const KgCompositionConfig& config) {
  config.validate();
  const std::size_t E = config.num_entities, D = config.out_degree;
  KgComposition out;
  out.atomic.reserve(E * D);
  for (std::size_t h = 0; h < E; ++h) {
    auto g = detail::example_stream(config.seed, 0, h);
    const auto rels = detail::sample_without_replacement(g, static_cast<std::uint32_t>(config.num_relations), static_cast<std::uint32_t>(D));
    for (auto r : rels) out.atomic.push_back({static_cast<std::uint32_t>(h), r, core::uniform_index(g, static_cast<std::uint32_t>(E))});
  }
  const std::size_t N = out.atomic.size();
  const auto n_ood = static_cast<std::size_t>(std::llround(config.ood_fraction * static_cast<double>(N)));
  out.atomic_ood.assign(N, false);
  {
    auto g = detail::example_stream(config.seed, 1, 0);
    for (auto i : detail::sample_without_replacement(g, static_cast<std::uint32_t>(N), static_cast<std::uint32_t>(n_ood))) out.atomic_ood[i] = true;
  }
  std::vector<KgInferredFact> pool;
  for (std::size_t h = 0; h < E; ++h) {
    auto g = detail::example_stream(config.seed, 2, h);
    for (std::size_t i = h * D; i < (h + 1) * D; ++i) {
      const auto& f1 = out.atomic[i];
      for (std::size_t j = std::size_t{f1.tail} * D; j < (std::size_t{f1.tail} + 1) * D; ++j) {
        const auto& f2 = out.atomic[j];
        const KgInferredFact inf{f1.head, f1.relation, f1.tail, f2.relation, f2.tail, static_cast<std::uint32_t>(i),
                                 static_cast<std::uint32_t>(j)};
        const bool o1 = out.atomic_ood[i], o2 = out.atomic_ood[j];
        if (o1 && o2) out.test_inferred_ood.push_back(inf);
        else if (!o1 && !o2) (detail::bernoulli(g, config.test_iid_probability) ? out.test_inferred_iid : pool).push_back(inf);
      }
    }
  }
  out.train_pool_size = pool.size();
  const std::size_t n_id = N - n_ood;
  const double want = std::round(config.phi * static_cast<double>(n_id));
  core::require(want <= static_cast<double>(pool.size()), "genlab::splits::make_kg_composition", "phi", config.phi,
                "<= " + std::to_string(static_cast<double>(pool.size()) / static_cast<double>(n_id)) +
                    " (round(phi * " + std::to_string(n_id) + " ID atomic facts) must not exceed the " +
                    std::to_string(pool.size()) + " ID-ID inferred facts in the train pool)");
  {
    auto g = detail::example_stream(config.seed, 3, 0);
    for (auto k : detail::sample_without_replacement(g, static_cast<std::uint32_t>(pool.size()), static_cast<std::uint32_t>(want)))
      out.train_inferred.push_back(pool[k]);
  }

  core::Vocabulary v;
  for (std::size_t e = 0; e < E; ++e) v.add("<e_" + std::to_string(e) + ">");
  for (std::size_t r = 0; r < config.num_relations; ++r) v.add("<r_" + std::to_string(r) + ">");
  detail::add_wang_specials(v);
  const auto ent = [](std::uint32_t e) { return static_cast<core::Token>(e); };
  const auto rel = [&](std::uint32_t r) { return static_cast<core::Token>(E + r); };
  const core::Token end = v.id("</a>");
  auto atomic_seq = [&](const KgAtomicFact& f) { return core::make_sequence({ent(f.head), rel(f.relation)}, {ent(f.tail), end}, 1); };
  auto inferred_seq = [&](const KgInferredFact& f) {
    return core::make_sequence({ent(f.head), rel(f.relation1), rel(f.relation2)}, {ent(f.tail), end}, 2);
  };
  core::Json cfg = config.to_json();
  cfg["num_atomic"] = N;
  cfg["num_atomic_ood"] = n_ood;
  cfg["num_train_inferred"] = out.train_inferred.size();
  cfg["num_test_inferred_iid"] = out.test_inferred_iid.size();
  cfg["num_test_inferred_ood"] = out.test_inferred_ood.size();
  cfg["train_pool_size"] = out.train_pool_size;
  core::Dataset ds(std::move(v), std::move(cfg));
  std::vector<core::Sequence> train;
  std::vector<std::size_t> id_atomic, ood_atomic;
  for (std::size_t i = 0; i < N; ++i) {
    train.push_back(atomic_seq(out.atomic[i]));
    (out.atomic_ood[i] ? ood_atomic : id_atomic).push_back(i);
  }
  for (const auto& f : out.train_inferred) train.push_back(inferred_seq(f));
  ds.set_split("train", std::move(train));
  auto probe_atomic = [&](const std::vector<std::size_t>& ids, std::uint64_t k) {
    return detail::probe_sequences(config.seed, 4 + k, ids, config.probe_size,
                                   [&](std::size_t id) { return atomic_seq(out.atomic[id]); });
  };
  auto probe_inferred = [&](const std::vector<KgInferredFact>& facts, std::uint64_t k) {
    return detail::probe_sequences(config.seed, 4 + k, facts, config.probe_size, inferred_seq);
  };
  ds.set_split("id_atomic", probe_atomic(id_atomic, 0));
  ds.set_split("ood_atomic", probe_atomic(ood_atomic, 1));
  ds.set_split("train_inferred", probe_inferred(out.train_inferred, 2));
  ds.set_split("test_inferred_iid", probe_inferred(out.test_inferred_iid, 3));
  ds.set_split("test_inferred_ood", probe_inferred(out.test_inferred_ood, 4));
  record_fingerprint(ds);
  out.dataset = std::move(ds);
  return out;
}

struct KgComparisonConfig {
  std::size_t num_entities = 1000;
  std::size_t num_attributes = 20;
  std::size_t num_values = 20;
  double id_entity_fraction = 0.9;
  double test_iid_probability = 0.1;
  double phi = 7.2;
  std::size_t probe_size = 3000;
  std::uint64_t seed = 0;

  void validate() const {
    const char* where = "genlab::splits::KgComparisonConfig::validate";
    core::require(num_entities >= 2 && num_entities <= 65536, where, "num_entities", num_entities, "in 2..65536");
    core::require(num_attributes >= 1 && num_attributes <= 4096, where, "num_attributes", num_attributes, "in 1..4096");
    core::require(num_values >= 1 && num_values <= 65536, where, "num_values", num_values, "in 1..65536");
    core::require(id_entity_fraction >= 0 && id_entity_fraction <= 1, where, "id_entity_fraction", id_entity_fraction, "in [0, 1]");
    core::require(test_iid_probability >= 0 && test_iid_probability <= 1, where, "test_iid_probability", test_iid_probability, "in [0, 1]");
    core::require(phi >= 0 && std::isfinite(phi), where, "phi", phi, ">= 0");
  }
  std::size_t num_id_entities() const {
    return static_cast<std::size_t>(std::llround(id_entity_fraction * static_cast<double>(num_entities)));
  }
  core::Json to_json() const {
    return core::Json{{"generator", "genlab::splits::make_kg_comparison"},
                      {"num_entities", num_entities},
                      {"num_attributes", num_attributes},
                      {"num_values", num_values},
                      {"id_entity_fraction", id_entity_fraction},
                      {"test_iid_probability", test_iid_probability},
                      {"phi", phi},
                      {"probe_size", probe_size},
                      {"seed", seed}};
  }
};

struct KgComparisonFact {
  std::uint32_t attribute, entity1, entity2;
};

/// The comparison data: values, ID flags, sampled comparisons and the dataset.
struct KgComparison {
  std::vector<std::vector<std::uint32_t>> value;   ///< value[e][a]
  std::vector<std::vector<bool>> entity_ood;      ///< entity_ood[a][e]
  std::vector<KgComparisonFact> train_inferred;   ///< the φ sample of the train pool
  std::vector<KgComparisonFact> test_iid_probe, test_ood_probe;
  std::size_t train_pool_size = 0, test_iid_size = 0, test_ood_size = 0;  ///< ordered comparisons
  core::Dataset dataset;
};

/// Wang et al.'s comparison dataset (see the file comment). The pool and test sets are never
/// materialized: one pass over all unordered pairs keeps uniform reservoir samples (Algorithm R)
/// of the train pool (φ sample) and of both test sets (probes). Streams: values (seed, 0, e);
/// ID entities of attribute a (seed, 1, a); test_iid draws (seed, 2, a); reservoirs
/// (seed, 3..5, 0); atomic probes (seed, 6..7, 0); comparison probes (seed, 8..10, 0). O(|A|·|E|²) time, O(φ·|atomic_ID|) memory.
inline KgComparison make_kg_comparison(const KgComparisonConfig& config) {
  config.validate();
  const std::size_t E = config.num_entities, A = config.num_attributes, n_id = config.num_id_entities();
  const double id_pairs_bound = static_cast<double>(A) * static_cast<double>(n_id) * static_cast<double>(n_id > 0 ? n_id - 1 : 0);
  const double n_atomic_id = static_cast<double>(A * n_id);
  const double want = std::round(config.phi * n_atomic_id);
  const char* where = "genlab::splits::make_kg_comparison";
  auto phi_error = [&](double pool) {
    core::throw_invalid_argument(where, "phi", config.phi,
                                 "<= " + std::to_string(n_atomic_id > 0 ? pool / n_atomic_id : 0.0) + " (round(phi * " +
                                     std::to_string(A * n_id) + " ID atomic facts) must not exceed the " +
                                     std::to_string(static_cast<std::size_t>(pool)) + " ordered ID-ID comparisons in the train pool)");
  };
  if (want > id_pairs_bound) phi_error(id_pairs_bound);
  KgComparison out;
  out.value.assign(E, std::vector<std::uint32_t>(A));
  for (std::size_t e = 0; e < E; ++e) {
    auto g = detail::example_stream(config.seed, 0, e);
    for (auto& x : out.value[e]) x = core::uniform_index(g, static_cast<std::uint32_t>(config.num_values));
  }
  out.entity_ood.assign(A, std::vector<bool>(E, true));
  for (std::size_t a = 0; a < A; ++a) {
    auto g = detail::example_stream(config.seed, 1, a);
    for (auto e : detail::sample_without_replacement(g, static_cast<std::uint32_t>(E), static_cast<std::uint32_t>(n_id))) out.entity_ood[a][e] = false;
  }
  // Reservoirs (Algorithm R): item n (0-based) replaces a random slot with probability k/(n+1).
  struct Reservoir {
    std::size_t k, seen = 0;
    std::vector<KgComparisonFact> items;
    core::Philox4x32 g;
    void offer(const KgComparisonFact& f) {
      if (items.size() < k) items.push_back(f);
      else if (k > 0) {
        const std::uint64_t j = seen < 0xffffffffull ? core::uniform_index(g, static_cast<std::uint32_t>(seen + 1))
                                                     : (std::uint64_t{g()} << 32 | g()) % (seen + 1);
        if (j < k) items[static_cast<std::size_t>(j)] = f;
      }
      ++seen;
    }
  };
  Reservoir train{static_cast<std::size_t>(want), 0, {}, detail::example_stream(config.seed, 3, 0)};
  Reservoir iid{config.probe_size, 0, {}, detail::example_stream(config.seed, 4, 0)};
  Reservoir ood{config.probe_size, 0, {}, detail::example_stream(config.seed, 5, 0)};
  train.items.reserve(train.k);
  for (std::size_t a = 0; a < A; ++a) {
    auto g = detail::example_stream(config.seed, 2, a);
    const auto& is_ood = out.entity_ood[a];
    for (std::uint32_t e1 = 0; e1 < E; ++e1)
      for (std::uint32_t e2 = e1 + 1; e2 < E; ++e2) {
        if (is_ood[e1] != is_ood[e2]) continue;
        const KgComparisonFact f12{static_cast<std::uint32_t>(a), e1, e2}, f21{static_cast<std::uint32_t>(a), e2, e1};
        Reservoir& r = is_ood[e1] ? ood : detail::bernoulli(g, config.test_iid_probability) ? iid : train;
        r.offer(f12);
        r.offer(f21);
      }
  }
  out.train_pool_size = train.seen;
  out.test_iid_size = iid.seen;
  out.test_ood_size = ood.seen;
  if (want > static_cast<double>(train.seen)) phi_error(static_cast<double>(train.seen));
  out.train_inferred = std::move(train.items);
  out.test_iid_probe = std::move(iid.items);
  out.test_ood_probe = std::move(ood.items);

  core::Vocabulary v;
  for (std::size_t e = 0; e < E; ++e) v.add("<e_" + std::to_string(e) + ">");
  for (std::size_t a = 0; a < A; ++a) v.add("<attr_" + std::to_string(a) + ">");
  for (std::size_t k = 0; k < config.num_values; ++k) v.add("<v_" + std::to_string(k) + ">");
  for (std::size_t a = 0; a < A; ++a)
    for (int c = 0; c < 3; ++c) v.add("<attr_" + std::to_string(a) + "_" + std::to_string(c) + ">");
  detail::add_wang_specials(v);
  const core::Token end = v.id("</a>"), q = v.id("<q>"), mask = v.id("<mask>");
  const auto attr = [&](std::uint32_t a) { return static_cast<core::Token>(E + a); };
  const auto val = [&](std::uint32_t k) { return static_cast<core::Token>(E + A + k); };
  const auto label = [&](std::uint32_t a, int c) { return static_cast<core::Token>(E + A + config.num_values + 3 * a + static_cast<std::size_t>(c)); };
  auto atomic_seq = [&](std::uint32_t e, std::uint32_t a) {
    return core::make_sequence({static_cast<core::Token>(e), attr(a)}, {val(out.value[e][a]), end}, 1);
  };
  auto comparison_seq = [&](const KgComparisonFact& f) {
    const auto x = out.value[f.entity1][f.attribute], y = out.value[f.entity2][f.attribute];
    const int c = x < y ? 0 : x == y ? 1 : 2;
    return core::make_sequence({attr(f.attribute), q, static_cast<core::Token>(f.entity1), mask, static_cast<core::Token>(f.entity2)},
                               {label(f.attribute, c), end}, 2);
  };
  core::Json cfg = config.to_json();
  cfg["num_atomic"] = E * A;
  cfg["num_atomic_id"] = A * n_id;
  cfg["num_train_inferred"] = out.train_inferred.size();
  cfg["train_pool_size"] = out.train_pool_size;
  cfg["num_test_inferred_iid"] = out.test_iid_size;
  cfg["num_test_inferred_ood"] = out.test_ood_size;
  core::Dataset ds(std::move(v), std::move(cfg));
  std::vector<core::Sequence> tr;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> id_atomic, ood_atomic;  // (e, a)
  for (std::uint32_t e = 0; e < E; ++e)
    for (std::uint32_t a = 0; a < A; ++a) {
      tr.push_back(atomic_seq(e, a));
      (out.entity_ood[a][e] ? ood_atomic : id_atomic).emplace_back(e, a);
    }
  for (const auto& f : out.train_inferred) tr.push_back(comparison_seq(f));
  ds.set_split("train", std::move(tr));
  auto probe_atomic = [&](const std::vector<std::pair<std::uint32_t, std::uint32_t>>& ids, std::uint64_t k) {
    return detail::probe_sequences(config.seed, 6 + k, ids, config.probe_size,
                                   [&](const std::pair<std::uint32_t, std::uint32_t>& e) { return atomic_seq(e.first, e.second); });
  };
  // Reservoir slots keep some of the enumeration order, so probes draw a random subset in random order.
  auto probe_facts = [&](const std::vector<KgComparisonFact>& facts, std::uint64_t k) {
    return detail::probe_sequences(config.seed, 8 + k, facts, config.probe_size, comparison_seq);
  };
  ds.set_split("id_atomic", probe_atomic(id_atomic, 0));
  ds.set_split("ood_atomic", probe_atomic(ood_atomic, 1));
  ds.set_split("train_inferred", probe_facts(out.train_inferred, 0));
  ds.set_split("test_inferred_iid", probe_facts(out.test_iid_probe, 1));
  ds.set_split("test_inferred_ood", probe_facts(out.test_ood_probe, 2));
  record_fingerprint(ds);
  out.dataset = std::move(ds);
  return out;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_KNOWLEDGE_GRAPH_HPP
