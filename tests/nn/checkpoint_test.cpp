// Checkpoints that cannot be trusted are refused, not silently half-loaded: missing optimizer
// moments, non-finite values, missing or ill-typed keys, a kill between a save's renames, a
// resume with other settings. And the config JSON keeps its keys and enum names.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "genlab/core/io/json.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/nn.hpp"
#include "test_util.hpp"

using namespace genlab::nn;
using genlab::core::FileFormatError;
using genlab::core::Json;
namespace fs = std::filesystem;

namespace {

ModelConfig tiny_config() {
  ModelConfig c;
  c.vocab_size = 6;
  c.max_seq_len = 10;
  c.n_layers = 1;
  c.d_model = 8;
  c.n_heads = 2;
  c.d_mlp = 16;
  c.norm = Norm::pre;
  c.positions = Positions::rope;
  return c;
}

fs::path checkpoint_scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("genlab_nn_ckpt_test_" + name);
  for (const char* suffix : {"", ".old", ".tmp"}) fs::remove_all(fs::path(p.string() + suffix));
  return p;
}

const std::vector<genlab::core::Sequence>& train_data() {
  static const auto data = nntest::random_sequences(24, 6, 4, 8, 21);
  return data;
}

AdamWConfig adam() {
  AdamWConfig oc;
  oc.schedule = Schedule::cosine;
  oc.total_steps = 12;
  oc.weight_decay = 0.1;
  return oc;
}

TrainConfig train_cfg(const fs::path& dir, std::int64_t steps) {
  TrainConfig tc;
  tc.steps = steps;
  tc.batch_size = 8;
  tc.data_seed = 3;
  tc.eval_every = 1;
  tc.checkpoint_dir = dir;
  return tc;
}

struct Run {
  TrainResult result;
  std::vector<double> params;
  std::vector<std::int64_t> evaluated;  // the updates at which the eval callback ran
};

template <class T = double>
Run train(const TrainConfig& tc, const AdamWConfig& oc = adam(), const ModelConfig& mc = tiny_config()) {
  Transformer<T> m(mc, 2);
  Trainer<T> t(m, oc, tc);
  Run r;
  t.on_eval([&](std::int64_t step, Json&, const Transformer<T>&) {
    r.evaluated.push_back(step);
    return true;
  });
  r.result = t.train(train_data());
  r.params.assign(m.parameters().begin(), m.parameters().end());
  return r;
}

void edit_json(const fs::path& file, const std::function<void(Json&)>& f) {
  Json j = genlab::core::read_json(file);
  f(j);
  genlab::core::write_json(file, j);
}

// The run never interrupted, 12 updates, no checkpoints.
const Run& straight() {
  static const Run r = train(train_cfg({}, 12));
  return r;
}

}  // namespace

TEST_CASE("a checkpoint whose optimizer moments are missing is refused, naming the folder", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("moments");
  train(train_cfg(dir, 4));
  REQUIRE(genlab::core::read_json(dir / "config.json").at("adam_moments") == true);
  Transformer<double> m(tiny_config(), 1);
  AdamW<double> opt(adam());

  SECTION("adam_m/ removed: load_checkpoint and the trainer refuse, naming the folder") {
    fs::remove_all(dir / "adam_m");
    CHECK_THROWS_AS(load_checkpoint(dir, m, &opt), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt),
                      Catch::Contains((dir / "adam_m").string()) && Catch::Contains("adam_step = 4"));
    CHECK_THROWS_AS(train(train_cfg(dir, 12)), FileFormatError);
    CHECK_NOTHROW(load_checkpoint<double>(dir, m, nullptr));  // the parameters alone are fine
  }
  SECTION("an older checkpoint (no adam_moments key) without adam_v/ is refused too") {
    edit_json(dir / "config.json", [](Json& j) { j.erase("adam_moments"); });
    fs::remove_all(dir / "adam_v");
    CHECK_THROWS_AS(load_checkpoint(dir, m, &opt), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains((dir / "adam_v").string()));
  }
  SECTION("one array of adam_v/ removed: the error names the file") {
    fs::remove(dir / "adam_v" / "blocks.0.mlp.W_in.npy");
    CHECK_THROWS_AS(load_checkpoint(dir, m, &opt), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains("blocks.0.mlp.W_in.npy"));
  }
  SECTION("an optimizer asked for from a checkpoint saved without one is refused") {
    Transformer<double> fresh(tiny_config(), 1);
    save_checkpoint(dir, fresh, static_cast<const AdamW<double>*>(nullptr));
    CHECK_THROWS_AS(load_checkpoint(dir, m, &opt), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains("config.json") && Catch::Contains("adam_step"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a checkpoint saved before the first update (no moments) loads, old format too", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("step0");
  Transformer<double> model(tiny_config(), 4);
  AdamW<double> fresh(adam());
  save_checkpoint(dir, model, &fresh);
  CHECK(genlab::core::read_json(dir / "config.json").at("adam_moments") == false);
  CHECK_FALSE(fs::exists(dir / "adam_m"));
  for (bool old_format : {false, true}) {
    INFO("old format: " << old_format);
    if (old_format) edit_json(dir / "config.json", [](Json& j) { j.erase("adam_moments"); });
    Transformer<double> m(tiny_config(), 1);
    AdamW<double> opt(adam());
    CHECK_NOTHROW(load_checkpoint(dir, m, &opt));
    CHECK(opt.step() == 0);
    CHECK(opt.m().empty());
    CHECK(m.parameters() == model.parameters());
  }
  // Explicitly "no moments" with updates done is what such an optimizer is (set_state with none).
  fs::remove_all(dir);
}

TEST_CASE("non-finite values in a checkpoint are refused, naming file, parameter and index", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("nan");
  train(train_cfg(dir, 3));
  Transformer<double> m(tiny_config(), 1);
  AdamW<double> opt(adam());
  auto poison = [&](const fs::path& file, std::size_t index, double value) {
    genlab::core::NpyArray a = genlab::core::read_npy(file);
    std::vector<double> v = a.to_double();
    v[index] = value;
    genlab::core::write_npy(file, v.data(), a.shape);
  };
  SECTION("NaN in a parameter") {
    const fs::path file = dir / "params" / "blocks.0.attn.W_K.npy";
    poison(file, 5, std::numeric_limits<double>::quiet_NaN());
    CHECK_THROWS_AS(load_model<double>(dir), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains(file.string()) &&
                                                          Catch::Contains("blocks.0.attn.W_K") &&
                                                          Catch::Contains("non-finite") && Catch::Contains("index 5"));
    CHECK_THROWS_AS(train(train_cfg(dir, 12)), FileFormatError);
  }
  SECTION("infinity in a first moment") {
    const fs::path file = dir / "adam_m" / "embed.W_E.npy";
    poison(file, 0, std::numeric_limits<double>::infinity());
    CHECK_NOTHROW(load_checkpoint<double>(dir, m, nullptr));  // moments not asked for
    CHECK_THROWS_AS(load_checkpoint(dir, m, &opt), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains(file.string()) && Catch::Contains("index 0"));
  }
  SECTION("a negative second moment") {
    poison(dir / "adam_v" / "unembed.W_U.npy", 2, -1.0);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains("unembed.W_U") && Catch::Contains("negative"));
  }
  SECTION("a double too large for float overflows to infinity when loaded as float") {
    poison(dir / "params" / "embed.W_E.npy", 1, 1e300);
    CHECK_NOTHROW(load_model<double>(dir));
    CHECK_THROWS_AS(load_model<float>(dir), FileFormatError);
    CHECK_THROWS_WITH(load_model<float>(dir), Catch::Contains("embed.W_E") && Catch::Contains("index 1"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a config.json without its keys, or with ill-typed ones, names the file and the key", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("keys");
  train(train_cfg(dir, 2));
  const fs::path file = dir / "config.json";
  const Json good = genlab::core::read_json(file);
  Transformer<double> m(tiny_config(), 1);
  AdamW<double> opt(adam());
  auto check_all = [&](const std::string& key) {
    INFO("key " << key);
    CHECK_THROWS_AS(read_checkpoint_meta(dir), FileFormatError);
    CHECK_THROWS_WITH(read_checkpoint_meta(dir), Catch::Contains(file.string()) && Catch::Contains(key));
    CHECK_THROWS_AS(load_checkpoint(dir, m, &opt), FileFormatError);
    CHECK_THROWS_WITH(load_checkpoint(dir, m, &opt), Catch::Contains(file.string()) && Catch::Contains(key));
    CHECK_THROWS_AS(load_model<double>(dir), FileFormatError);
    CHECK_THROWS_WITH(load_model<double>(dir), Catch::Contains(file.string()) && Catch::Contains(key));
    genlab::core::write_json(file, good);
  };
  for (const char* key : {"model", "parameters", "scalar"}) {
    edit_json(file, [&](Json& j) { j.erase(key); });
    check_all(key);
  }
  edit_json(file, [](Json& j) { j["scalar"] = 64; });
  check_all("scalar");
  edit_json(file, [](Json& j) { j["parameters"] = "all"; });
  check_all("parameters");
  edit_json(file, [](Json& j) { j["model"]["d_model"] = "8"; });
  check_all("d_model");
  edit_json(file, [](Json& j) { j["model"].erase("n_heads"); });  // save writes every key
  check_all("n_heads");
  edit_json(file, [](Json& j) { j["model"]["norm"] = "sandwich"; });
  check_all("norm");
  edit_json(file, [](Json& j) { j["optimizer"]["lr"] = "fast"; });
  check_all("optimizer");
  edit_json(file, [](Json& j) { j["adam_step"] = -3; });
  check_all("adam_step");
  // The trainer's own record in "state".
  edit_json(file, [](Json& j) { j["state"].erase("train_loss_nats"); });
  CHECK_THROWS_AS(train(train_cfg(dir, 12)), FileFormatError);
  CHECK_THROWS_WITH(train(train_cfg(dir, 12)), Catch::Contains(file.string()) && Catch::Contains("train_loss_nats"));
  fs::remove_all(dir);
}

TEST_CASE("ModelConfig and AdamWConfig from JSON name the bad key", "[nn][checkpoint]") {
  Json j = tiny_config().to_json();
  j["d_model"] = "8";
  CHECK_THROWS_AS(ModelConfig::from_json(j), std::invalid_argument);
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("'d_model'") && Catch::Contains("integer"));
  j = tiny_config().to_json();
  j["d_model"] = 8.5;
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("'d_model'"));
  j = tiny_config().to_json();
  j["tied_embeddings"] = 1;
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("'tied_embeddings'"));
  j = tiny_config().to_json();
  j["positions"] = 3;  // nlohmann's enum macro alone would read this as Positions::none
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("'positions'") && Catch::Contains("rope"));
  j = tiny_config().to_json();
  j["d_modle"] = 16;  // a typo must not leave d_model at its default
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("'d_modle'"));
  CHECK_THROWS_AS(ModelConfig::from_json(Json::array()), std::invalid_argument);
  j = tiny_config().to_json();
  j.erase("n_heads");
  CHECK(ModelConfig::from_json(j).n_heads == ModelConfig{}.n_heads);  // absent keys keep defaults
  CHECK_THROWS_WITH(ModelConfig::from_json(j, true), Catch::Contains("'n_heads'") && Catch::Contains("missing"));
  Json a = adam().to_json();
  a["schedule"] = "linear";
  CHECK_THROWS_AS(AdamWConfig::from_json(a), std::invalid_argument);
  CHECK_THROWS_WITH(AdamWConfig::from_json(a), Catch::Contains("'schedule'") && Catch::Contains("cosine"));
  a = adam().to_json();
  a["lr"] = nullptr;  // what nlohmann writes for a NaN
  CHECK_THROWS_WITH(AdamWConfig::from_json(a), Catch::Contains("'lr'"));
}

TEST_CASE("config JSON keeps its keys and enum names (nlohmann's macros)", "[nn][checkpoint]") {
  // The keys and strings on disk in existing checkpoints and result folders.
  const Json model = Json::parse(R"({"activation": "gelu", "attention_scale": "tempered", "attn_bias": false,
    "d_mlp": 512, "d_model": 128, "init_std": 0.0, "ln_eps": 1e-05, "max_seq_len": 3, "mlp_bias": true,
    "n_heads": 4, "n_layers": 1, "norm": "post", "positions": "sinusoidal", "rope_base": 10000.0,
    "scale_length": 20, "tied_embeddings": false, "unembed_bias": false, "vocab_size": 114})");
  ModelConfig mc;
  mc.activation = Activation::gelu;
  mc.attention_scale = AttentionScale::tempered;
  mc.norm = Norm::post;
  mc.positions = Positions::sinusoidal;
  CHECK(mc.to_json() == model);
  CHECK(ModelConfig::from_json(model).to_json() == model);
  const Json opt = Json::parse(R"({"beta1": 0.9, "beta2": 0.98, "decay_matrices_only": false, "eps": 1e-08,
    "grad_clip": 0.0, "lr": 0.001, "min_lr_ratio": 0.25, "schedule": "cosine", "total_steps": 100,
    "warmup_steps": 10, "weight_decay": 1.0})");
  AdamWConfig oc;
  oc.schedule = Schedule::cosine;
  oc.total_steps = 100;
  oc.min_lr_ratio = 0.25;
  CHECK(oc.to_json() == opt);
  CHECK(AdamWConfig::from_json(opt).to_json() == opt);
  // The enums through nlohmann directly and through to_string.
  CHECK(Json(Norm::pre) == "pre");
  CHECK(Json(Positions::rope) == "rope");
  CHECK(Json(AttentionScale::log_n) == "log_n");
  CHECK(Json(Activation::relu) == "relu");
  CHECK(Json(Schedule::constant) == "constant");
  CHECK(std::string(to_string(Norm::none)) == "none");
  CHECK(std::string(to_string(Positions::learned)) == "learned");
  CHECK(std::string(to_string(AttentionScale::inv_sqrt_d)) == "inv_sqrt_d");
  CHECK(std::string(to_string(Activation::gelu)) == "gelu");
  CHECK(std::string(to_string(Schedule::cosine)) == "cosine");
  CHECK(detail::enum_names<Positions>() == std::vector<std::string>{"none", "learned", "sinusoidal", "rope"});
}

TEST_CASE("a complete .tmp left by a kill before the renames is resumed from", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("tmp");
  const fs::path tmp(dir.string() + ".tmp"), old(dir.string() + ".old");
  // The first save of a run killed after <dir>.tmp was written, before its rename: no <dir>.
  train(train_cfg(dir, 5));
  fs::rename(dir, tmp);
  CHECK(find_checkpoint(dir) == tmp);
  CHECK(read_checkpoint_meta(dir).at("state").at("step") == 5);
  Run r = train(train_cfg(dir, 12));
  CHECK(r.evaluated.front() == 6);  // continued after update 5, not from 0
  CHECK(r.result.train_loss_nats == straight().result.train_loss_nats);
  CHECK(r.params == straight().params);
  CHECK(find_checkpoint(dir) == dir);
  CHECK_FALSE(fs::exists(tmp));

  // Killed between the two renames: <dir>.old = previous (update 5), <dir>.tmp = new (update 8).
  const fs::path previous(dir.string() + "_previous");
  fs::remove_all(dir);
  fs::remove_all(previous);
  train(train_cfg(dir, 5));
  fs::copy(dir, previous, fs::copy_options::recursive);
  train(train_cfg(dir, 8));
  fs::rename(dir, tmp);
  fs::rename(previous, old);
  CHECK(find_checkpoint(dir) == old);  // the committed previous one; resuming from it is as exact
  r = train(train_cfg(dir, 12));
  CHECK(r.evaluated.front() == 6);
  CHECK(r.result.train_loss_nats == straight().result.train_loss_nats);
  CHECK(r.params == straight().params);
  CHECK_FALSE(fs::exists(old));
  CHECK_FALSE(fs::exists(tmp));
  fs::remove_all(dir);
}

TEST_CASE("an incomplete .tmp is ignored; a damaged checkpoint folder is an error", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("damaged");
  const fs::path tmp(dir.string() + ".tmp");
  // Killed while writing the first checkpoint: arrays there, config.json not yet.
  train(train_cfg(dir, 5));
  fs::rename(dir, tmp);
  fs::remove(tmp / "config.json");
  CHECK(find_checkpoint(dir).empty());
  Run r = train(train_cfg(dir, 12));
  CHECK(r.evaluated.front() == 0);  // nothing to resume: started over (with a note on stderr)
  CHECK(r.result.train_loss_nats == straight().result.train_loss_nats);
  CHECK_FALSE(fs::exists(tmp));
  // <dir> itself without config.json is not something a save leaves: refuse, naming it.
  fs::remove(dir / "config.json");
  CHECK_THROWS_AS(train(train_cfg(dir, 12)), FileFormatError);
  CHECK_THROWS_WITH(train(train_cfg(dir, 12)), Catch::Contains((dir / "config.json").string()) &&
                                                   Catch::Contains("delete"));
  // An empty folder is no checkpoint: a fresh run.
  fs::remove_all(dir);
  fs::create_directories(dir);
  CHECK(train(train_cfg(dir, 2)).evaluated.front() == 0);
  fs::remove_all(dir);
}

TEST_CASE("resuming with other settings is refused, naming each differing key and both values", "[nn][checkpoint]") {
  const fs::path dir = checkpoint_scratch("settings");
  TrainConfig tc = train_cfg(dir, 4);
  tc.identity = {{"data", "abc"}, {"task", "sort"}};
  train(tc);
  auto refused = [&](const TrainConfig& c, const AdamWConfig& oc, const std::vector<std::string>& parts) {
    try {
      train(c, oc);
      FAIL("resumed");
    } catch (const std::invalid_argument& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find((dir / "config.json").string()) != std::string::npos);
      for (const auto& p : parts) CHECK(msg.find(p) != std::string::npos);
    }
  };
  TrainConfig c = tc;
  c.steps = 12;
  AdamWConfig oc = adam();
  oc.lr = 2e-3;
  oc.min_lr_ratio = 0.5;
  refused(c, oc, {"optimizer.lr = 0.001 in the checkpoint, 0.002 now", "optimizer.min_lr_ratio = 0.0"});
  oc = adam();
  oc.total_steps = 20;  // the cosine curve would change under the run
  refused(c, oc, {"optimizer.total_steps = 12 in the checkpoint, 20 now"});
  c.batch_size = 4;
  c.data_seed = 9;
  refused(c, adam(), {"train.batch_size = 8 in the checkpoint, 4 now", "train.data_seed = 3 in the checkpoint, 9 now"});
  c = tc;
  c.steps = 12;
  c.rows_per_shard = 7;
  refused(c, adam(), {"train.rows_per_shard"});
  c = tc;
  c.steps = 12;
  c.identity["data"] = "abd";
  c.identity["split"] = 2;
  refused(c, adam(), {"identity.data = \"abc\" in the checkpoint, \"abd\" now", "identity.split = absent"});
  c = tc;
  c.steps = 2;  // the checkpoint is at update 4
  CHECK_THROWS_AS(train(c), std::invalid_argument);
  CHECK_THROWS_WITH(train(c), Catch::Contains("'steps' = 2") && Catch::Contains(">= 4"));
  // Another model or precision.
  c.steps = 12;
  ModelConfig mc = tiny_config();
  mc.d_mlp = 32;
  CHECK_THROWS_WITH(train(c, adam(), mc), Catch::Contains("model.d_mlp = 16 in the checkpoint, 32 now"));
  CHECK_THROWS_WITH(train<float>(c), Catch::Contains("scalar = \"float64\" in the checkpoint, \"float32\" now"));
  // Same settings, more steps: fine, and exact (the run never interrupted has no identity, which
  // does not change the trajectory).
  Run r = train(c);
  CHECK(r.evaluated.front() == 5);
  CHECK(r.result.train_loss_nats == straight().result.train_loss_nats);
  CHECK(r.params == straight().params);
  // A checkpoint from before settings and identity were recorded resumes without comparing them.
  fs::remove_all(dir);
  train(train_cfg(dir, 4));
  edit_json(dir / "config.json", [](Json& j) {
    j["state"].erase("train");
    j["state"].erase("identity");
  });
  c.batch_size = 8;
  c.identity = {{"data", "xyz"}};
  CHECK(train(c).evaluated.front() == 5);
  fs::remove_all(dir);
}
