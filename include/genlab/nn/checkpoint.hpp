#ifndef GENLAB_NN_CHECKPOINT_HPP
#define GENLAB_NN_CHECKPOINT_HPP
// Checkpoints: a directory readable by numpy, written atomically.
//
//   <dir>/config.json        {"model": ModelConfig, "scalar": "float32"|"float64",
//                             "parameters": [{"name", "shape"}...], "optimizer": AdamWConfig,
//                             "adam_step": n, "state": <caller's JSON (trainer step, log)>}
//   <dir>/params/<name>.npy  one array per named parameter (names in transformer.hpp), C order
//   <dir>/adam_m/<name>.npy, <dir>/adam_v/<name>.npy   AdamW moments (when an optimizer is saved)
//
// The new directory is written next to the old one (<dir>.tmp) and swapped in by renames, so a
// run killed at any moment leaves either the previous or the new checkpoint (load_checkpoint
// falls back to <dir>.old if it was killed between the two renames).

#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/nn/adamw.hpp"
#include "genlab/nn/transformer.hpp"

namespace genlab::nn {

namespace detail {
inline std::filesystem::path with_suffix(const std::filesystem::path& p, const char* suffix) {
  std::filesystem::path q = p;
  q += suffix;
  return q;
}
template <class T>
void write_tensors(const std::filesystem::path& dir, const ParameterLayout& layout, const std::vector<T>& data) {
  std::filesystem::create_directories(dir);
  for (const auto& p : layout.infos()) core::write_npy(dir / (p.name + ".npy"), data.data() + p.offset, p.shape);
}
template <class T>
void read_tensors(const std::filesystem::path& dir, const ParameterLayout& layout, std::vector<T>& data) {
  data.resize(layout.total());
  for (const auto& p : layout.infos()) {
    const auto file = dir / (p.name + ".npy");
    const core::NpyArray a = core::read_npy(file);
    if (a.shape != p.shape) throw core::FileFormatError(file.string(), "shape does not match parameter " + p.name);
    if (a.type == core::NpyTypeOf<T>::value) {
      const std::vector<T> v = a.values<T>();
      std::copy(v.begin(), v.end(), data.begin() + static_cast<std::ptrdiff_t>(p.offset));
    } else {
      const std::vector<double> v = a.to_double();
      for (std::size_t i = 0; i < v.size(); ++i) data[p.offset + i] = static_cast<T>(v[i]);
    }
  }
}
}  // namespace detail

/// Writes the model (and the optimizer, if not null) to `dir` atomically; `state` is stored
/// verbatim under "state" (the trainer keeps its step and log there). O(parameters).
template <class T>
void save_checkpoint(const std::filesystem::path& dir, const Transformer<T>& model, const AdamW<T>* opt,
                     const core::Json& state = core::Json::object()) {
  namespace fs = std::filesystem;
  const fs::path tmp = detail::with_suffix(dir, ".tmp"), old = detail::with_suffix(dir, ".old");
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  core::Json meta;
  meta["model"] = model.config().to_json();
  meta["scalar"] = std::is_same_v<T, float> ? "float32" : "float64";
  core::Json names = core::Json::array();
  for (const auto& p : model.layout().infos()) names.push_back({{"name", p.name}, {"shape", p.shape}});
  meta["parameters"] = names;
  meta["state"] = state;
  detail::write_tensors(tmp / "params", model.layout(), model.parameters());
  if (opt) {
    meta["optimizer"] = opt->config().to_json();
    meta["adam_step"] = opt->step();
    if (!opt->m().empty()) {
      detail::write_tensors(tmp / "adam_m", model.layout(), opt->m());
      detail::write_tensors(tmp / "adam_v", model.layout(), opt->v());
    }
  }
  core::write_json(tmp / "config.json", meta);
  fs::remove_all(old);
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(tmp, dir);
  fs::remove_all(old);
}

/// The directory a checkpoint at `dir` actually lives in (dir, or dir.old after a kill between
/// renames); empty if there is none.
inline std::filesystem::path find_checkpoint(const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir / "config.json")) return dir;
  const auto old = detail::with_suffix(dir, ".old");
  if (std::filesystem::exists(old / "config.json")) return old;
  return {};
}

/// The checkpoint's config.json (model config, names, optimizer, state).
inline core::Json read_checkpoint_meta(const std::filesystem::path& dir) {
  const auto where = find_checkpoint(dir);
  if (where.empty()) throw core::IoError("genlab::nn::read_checkpoint_meta: no checkpoint at " + dir.string());
  return core::read_json(where / "config.json");
}

/// Loads parameters (and, if opt is not null, the optimizer state) from `dir` into `model`,
/// whose config must equal the saved one. Returns the saved "state" JSON. Values stored in the
/// other precision are converted. Throws core::IoError / FileFormatError / invalid_argument.
template <class T>
core::Json load_checkpoint(const std::filesystem::path& dir, Transformer<T>& model, AdamW<T>* opt) {
  const auto where = find_checkpoint(dir);
  if (where.empty()) throw core::IoError("genlab::nn::load_checkpoint: no checkpoint at " + dir.string());
  const core::Json meta = core::read_json(where / "config.json");
  core::require(meta.at("model") == model.config().to_json(), "genlab::nn::load_checkpoint", "model config",
                meta.at("model").dump(), "the model's config " + model.config().to_json().dump());
  detail::read_tensors(where / "params", model.layout(), model.parameters());
  if (opt && meta.contains("adam_step")) {
    std::vector<T> m, v;
    if (std::filesystem::exists(where / "adam_m")) {
      detail::read_tensors(where / "adam_m", model.layout(), m);
      detail::read_tensors(where / "adam_v", model.layout(), v);
    }
    opt->set_state(meta.at("adam_step").get<std::int64_t>(), std::move(m), std::move(v));
  }
  return meta.value("state", core::Json::object());
}

/// A model built from a checkpoint's config with its saved parameters.
template <class T>
Transformer<T> load_model(const std::filesystem::path& dir) {
  Transformer<T> model(ModelConfig::from_json(read_checkpoint_meta(dir).at("model")));
  load_checkpoint<T>(dir, model, nullptr);
  return model;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_CHECKPOINT_HPP
