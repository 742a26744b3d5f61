#ifndef GENLAB_NN_CHECKPOINT_HPP
#define GENLAB_NN_CHECKPOINT_HPP
// Checkpoints: a directory readable by numpy, written atomically.
//
//   <dir>/config.json        {"model": ModelConfig, "scalar": "float32"|"float64",
//                             "parameters": [{"name", "shape"}...], "optimizer": AdamWConfig,
//                             "adam_step": n, "adam_moments": true|false,
//                             "state": <caller's JSON (trainer step, log)>}
//   <dir>/params/<name>.npy  one array per named parameter (names in transformer.hpp), C order
//   <dir>/adam_m/<name>.npy, <dir>/adam_v/<name>.npy   AdamW moments (when "adam_moments" is true)
//
// "adam_moments" says whether the moments were written: an optimizer that has not updated yet
// has none. Checkpoints from before the key have moments exactly when adam_step > 0 (or the
// folders exist). Loading refuses missing files, missing or ill-typed keys and non-finite values
// with core::FileFormatError naming the file.
//
// The new directory is written next to the old one (<dir>.tmp, config.json last) and swapped in
// by renames, so a run killed at any moment leaves a complete checkpoint; find_checkpoint says
// where. config.json is the commit mark of a folder: written last, and deleted first when a
// folder is removed, so a folder holding config.json is complete.

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/json_diff.hpp"
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
// Reads one array per parameter of `layout` from `dir`; `what` names the folder's role in messages.
// Non-finite values are refused (after conversion to T, which can overflow a float), and so are
// negative ones when `nonnegative` (AdamW's second moment: its square root is taken).
template <class T>
void read_tensors(const std::filesystem::path& dir, const ParameterLayout& layout, std::vector<T>& data,
                  bool nonnegative = false) {
  data.resize(layout.total());
  for (const auto& p : layout.infos()) {
    const auto file = dir / (p.name + ".npy");
    if (!std::filesystem::is_regular_file(file))
      throw core::FileFormatError(file.string(), "missing: the checkpoint has no values for parameter '" + p.name + "'");
    const core::NpyArray a = core::read_npy(file);
    if (a.shape != p.shape) throw core::FileFormatError(file.string(), "shape does not match parameter " + p.name);
    if (a.type == core::NpyTypeOf<T>::value) {
      const std::vector<T> v = a.values<T>();
      std::copy(v.begin(), v.end(), data.begin() + static_cast<std::ptrdiff_t>(p.offset));
    } else {
      const std::vector<double> v = a.to_double();
      for (std::size_t i = 0; i < v.size(); ++i) data[p.offset + i] = static_cast<T>(v[i]);
    }
    for (std::size_t i = 0; i < p.size; ++i) {
      const T x = data[p.offset + i];
      if (!std::isfinite(x) || (nonnegative && x < 0)) {
        std::ostringstream os;
        os.precision(17);
        os << "parameter '" << p.name << "' has " << (std::isfinite(x) ? "a negative" : "a non-finite") << " value ("
           << static_cast<double>(x) << ") at flat index " << i << " (C order)";
        throw core::FileFormatError(file.string(), os.str());
      }
    }
  }
}

/// Removes a checkpoint folder, config.json first: a kill midway leaves a folder without it,
/// which find_checkpoint treats as incomplete.
inline void remove_checkpoint_folder(const std::filesystem::path& dir) {
  std::filesystem::remove(dir / "config.json");
  std::filesystem::remove_all(dir);
}

[[noreturn]] inline void bad_key(const std::filesystem::path& file, const std::string& key, const std::string& what) {
  throw core::FileFormatError(file.string(), "key '" + key + "' " + what);
}

/// The model config stored in a checkpoint's config.json: every key present (save writes them all).
inline ModelConfig checkpoint_model_config(const core::Json& meta, const std::filesystem::path& file) {
  try {
    return ModelConfig::from_json(meta.at("model"), true);
  } catch (const std::invalid_argument& e) {
    bad_key(file, "model", std::string("is not a valid model config: ") + e.what());
  }
}

/// Reads a checkpoint's config.json and checks its keys and their types, so that later
/// accesses cannot throw nlohmann's errors (which name neither the file nor the key).
inline core::Json read_checkpoint_config(const std::filesystem::path& file) {
  const core::Json meta = core::read_json(file);
  if (!meta.is_object()) throw core::FileFormatError(file.string(), "expected a JSON object, got " + meta.dump());
  for (const char* key : {"model", "scalar", "parameters"})
    if (!meta.contains(key)) bad_key(file, key, "is missing");
  if (!meta.at("model").is_object()) bad_key(file, "model", "= " + meta.at("model").dump() + "; expected an object");
  checkpoint_model_config(meta, file);
  const core::Json& scalar = meta.at("scalar");
  if (scalar != "float32" && scalar != "float64")
    bad_key(file, "scalar", "= " + scalar.dump() + "; expected \"float32\" or \"float64\"");
  const core::Json& params = meta.at("parameters");
  bool ok = params.is_array();
  for (std::size_t i = 0; ok && i < params.size(); ++i) {
    const core::Json& p = params[i];
    ok = p.is_object() && p.contains("name") && p.at("name").is_string() && p.contains("shape") &&
         p.at("shape").is_array();
    for (std::size_t k = 0; ok && k < p.at("shape").size(); ++k) ok = p.at("shape")[k].is_number_unsigned();
  }
  if (!ok) bad_key(file, "parameters", "is not a list of {\"name\": string, \"shape\": [sizes]}");
  if (meta.contains("optimizer")) {
    try {
      AdamWConfig::from_json(meta.at("optimizer"), true);
    } catch (const std::invalid_argument& e) {
      bad_key(file, "optimizer", std::string("is not a valid optimizer config: ") + e.what());
    }
    if (!meta.contains("adam_step")) bad_key(file, "adam_step", "is missing (the optimizer was saved)");
  }
  if (meta.contains("adam_step") && !meta.at("adam_step").is_number_unsigned())
    bad_key(file, "adam_step", "= " + meta.at("adam_step").dump() + "; expected an integer >= 0");
  if (meta.contains("adam_moments") && !meta.at("adam_moments").is_boolean())
    bad_key(file, "adam_moments", "= " + meta.at("adam_moments").dump() + "; expected true or false");
  return meta;
}
}  // namespace detail

/// The directory a checkpoint at `dir` actually lives in: `dir`, else `dir`.old, else a complete
/// `dir`.tmp (one holding config.json); empty if there is none. save_checkpoint's steps and
/// what a kill -9 after each leaves (P = the previous checkpoint, N = the new one):
///   0. promote: if <dir> has no config.json, rename the folder found here to <dir>
///      (a previous save was killed in window 4 or 5)              -> <dir> = P
///   1. remove <dir>.tmp (config.json first)                      -> <dir> = P
///   2. write <dir>.tmp, config.json last                         -> <dir> = P; <dir>.tmp = N once
///                                                                   its config.json exists
///   3. remove <dir>.old (config.json first)                      -> <dir> = P, <dir>.tmp = N
///   4. rename <dir> -> <dir>.old                                 -> <dir>.old = P, <dir>.tmp = N
///   5. rename <dir>.tmp -> <dir>                                 -> <dir> = N, <dir>.old = P
///   6. remove <dir>.old (config.json first)                      -> <dir> = N
/// On the first save there is no P, and after step 2 <dir>.tmp is the only checkpoint. In
/// windows 2-4 the newest complete folder is <dir>.tmp, but P is chosen: it is as valid (a
/// resumed run is bit-identical from any checkpoint of the run, it only redoes the updates
/// since P), and a complete .tmp counts only when nothing else is there. A .tmp or .old without
/// config.json is a folder being written or removed: never returned. O(1) file system calls.
inline std::filesystem::path find_checkpoint(const std::filesystem::path& dir) {
  for (const char* suffix : {"", ".old", ".tmp"}) {
    const auto where = detail::with_suffix(dir, suffix);
    if (std::filesystem::is_regular_file(where / "config.json")) return where;
  }
  return {};
}

/// Writes the model (and the optimizer, if not null) to `dir` atomically; `state` is stored
/// verbatim under "state" (the trainer keeps its step and log there). O(parameters).
template <class T>
void save_checkpoint(const std::filesystem::path& dir, const Transformer<T>& model, const AdamW<T>* opt,
                     const core::Json& state = core::Json::object()) {
  namespace fs = std::filesystem;
  const fs::path tmp = detail::with_suffix(dir, ".tmp"), old = detail::with_suffix(dir, ".old");
  // Step 0 (see find_checkpoint): a save killed between its renames left the checkpoint in
  // <dir>.old or <dir>.tmp; bring it back to <dir> so that steps 1 and 3 never delete the only one.
  const fs::path current = find_checkpoint(dir);
  if (!current.empty() && current != dir) {
    if (fs::exists(dir)) detail::remove_checkpoint_folder(dir);
    fs::rename(current, dir);
  }
  detail::remove_checkpoint_folder(tmp);
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
    // Before its first update an optimizer has no moments: say so, so that a missing folder is
    // never mistaken for this case.
    meta["adam_moments"] = !opt->m().empty();
    if (!opt->m().empty()) {
      detail::write_tensors(tmp / "adam_m", model.layout(), opt->m());
      detail::write_tensors(tmp / "adam_v", model.layout(), opt->v());
    }
  }
  core::write_json(tmp / "config.json", meta);  // last: the folder is complete from here on
  detail::remove_checkpoint_folder(old);
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(tmp, dir);
  detail::remove_checkpoint_folder(old);
}

/// The checkpoint's config.json (model config, names, optimizer, state), its keys checked:
/// a missing or ill-typed key throws core::FileFormatError naming the file and the key.
inline core::Json read_checkpoint_meta(const std::filesystem::path& dir) {
  const auto where = find_checkpoint(dir);
  if (where.empty()) throw core::IoError("genlab::nn::read_checkpoint_meta: no checkpoint at " + dir.string());
  return detail::read_checkpoint_config(where / "config.json");
}

/// Loads parameters (and, if opt is not null, the optimizer state) from `dir` into `model`,
/// whose config must equal the saved one. Returns the saved "state" JSON. Values stored in the
/// other precision are converted. The optimizer's settings stay the caller's (Trainer compares
/// them). Throws core::IoError (no checkpoint), std::invalid_argument (another model config),
/// core::FileFormatError naming the file: a missing or ill-typed key, a missing array, a
/// non-finite value, or an optimizer asked for but not saved, or saved without its moments.
template <class T>
core::Json load_checkpoint(const std::filesystem::path& dir, Transformer<T>& model, AdamW<T>* opt) {
  namespace fs = std::filesystem;
  const auto where = find_checkpoint(dir);
  if (where.empty()) throw core::IoError("genlab::nn::load_checkpoint: no checkpoint at " + dir.string());
  const fs::path file = where / "config.json";
  const core::Json meta = detail::read_checkpoint_config(file);
  const core::Json saved_model = detail::checkpoint_model_config(meta, file).to_json();
  const core::Json own = model.config().to_json();
  if (saved_model != own)
    throw std::invalid_argument("genlab::nn::load_checkpoint: the checkpoint " + file.string() +
                                " is of another model: " +
                                core::describe_json_diff(core::json_diff(saved_model, own), "in the checkpoint",
                                                           "in the model"));
  detail::read_tensors(where / "params", model.layout(), model.parameters());
  if (opt) {
    if (!meta.contains("adam_step"))
      detail::bad_key(file, "adam_step",
                      "is missing: the checkpoint was saved without an optimizer (load with opt = nullptr)");
    const auto step = meta.at("adam_step").get<std::int64_t>();
    // Older checkpoints lack "adam_moments": moments were written exactly when the optimizer had
    // updated (or, written by hand, when the folders are there).
    const bool moments = meta.contains("adam_moments")
                             ? meta.at("adam_moments").get<bool>()
                             : step > 0 || fs::exists(where / "adam_m") || fs::exists(where / "adam_v");
    std::vector<T> m, v;
    if (moments) {
      for (const char* sub : {"adam_m", "adam_v"})
        if (!fs::is_directory(where / sub))
          throw core::FileFormatError((where / sub).string(),
                                      "missing: " + file.string() + " has adam_step = " + std::to_string(step) +
                                          (meta.contains("adam_moments") ? " and adam_moments = true" : "") +
                                          ", so the optimizer's moments must be here (refusing to reset them)");
      detail::read_tensors(where / "adam_m", model.layout(), m);
      detail::read_tensors(where / "adam_v", model.layout(), v, true);
    }
    opt->set_state(step, std::move(m), std::move(v));
  }
  return meta.value("state", core::Json::object());
}

/// A model built from a checkpoint's config with its saved parameters.
template <class T>
Transformer<T> load_model(const std::filesystem::path& dir) {
  const auto where = find_checkpoint(dir);
  if (where.empty()) throw core::IoError("genlab::nn::load_model: no checkpoint at " + dir.string());
  Transformer<T> model(detail::checkpoint_model_config(read_checkpoint_meta(dir), where / "config.json"));
  load_checkpoint<T>(dir, model, nullptr);
  return model;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_CHECKPOINT_HPP
