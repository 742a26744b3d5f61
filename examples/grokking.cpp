// Grokking on modular arithmetic (Power et al. 2022; Nanda et al. 2023), end to end.
//
//   grokking                         quick preset: p = 53, 50% train, d 64; groks in minutes
//   grokking --preset nanda          Nanda et al.'s exact configuration (hours on 2 cores)
//   grokking --preset power          Power et al.'s 2-layer post-LN x/y mod 97, batch 512
//   grokking --preset nanda --plot-only  summary and plots of a run still going or stopped, from its log
//   options: --steps N --seed N --p P --train-fraction F --eval-every N --out DIR --double
//            --no-resume --quiet --plot-only
// Writes DIR/{config.json, metrics.csv, metrics.jsonl, summary.json, accuracy.png/svg,
// loss.png/svg, checkpoint/}; a killed run continues from its checkpoint when restarted.

#include <genlab/experiments/grokking.hpp>
#include <genlab/experiments/text_plot.hpp>

#include <cstdio>
#include <cstring>
#include <string>

namespace ge = genlab::experiments;

int main(int argc, char** argv) try {
  std::string preset = "quick", out;
  ge::RunOptions opt;
  bool use_double = false, plot_only = false;
  ge::GrokkingConfig cfg = ge::GrokkingConfig::quick();
  std::vector<std::pair<std::string, std::string>> overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument("option " + a + " needs a value");
      return argv[++i];
    };
    if (a == "--preset") preset = value();
    else if (a == "--out") out = value();
    else if (a == "--double") use_double = true;
    else if (a == "--plot-only") plot_only = true;
    else if (a == "--no-resume") opt.resume = false;
    else if (a == "--quiet") opt.progress = false;
    else if (a == "--steps" || a == "--seed" || a == "--p" || a == "--train-fraction" || a == "--eval-every")
      overrides.emplace_back(a, value());
    else {
      std::fprintf(stderr,
                   "usage: grokking [--preset quick|nanda|power] [--steps N] [--seed N] [--p P]\n"
                   "                [--train-fraction F] [--eval-every N] [--out DIR] [--double]\n"
                   "                [--no-resume] [--quiet] [--plot-only]\n");
      return 2;
    }
  }
  if (preset == "quick") cfg = ge::GrokkingConfig::quick();
  else if (preset == "nanda") cfg = ge::GrokkingConfig::nanda();
  else if (preset == "power") cfg = ge::GrokkingConfig::power();
  else throw std::invalid_argument("--preset '" + preset + "': expected quick, nanda or power");
  for (const auto& [k, v] : overrides) {
    if (k == "--steps") cfg.steps = std::stoll(v);
    else if (k == "--seed") cfg.seed = cfg.data.seed = std::stoull(v);
    else if (k == "--p") cfg.data.p = static_cast<std::uint32_t>(std::stoul(v));
    else if (k == "--train-fraction") cfg.data.train_fraction = std::stod(v);
    else if (k == "--eval-every") cfg.eval_every = std::stoll(v);
  }
  if (out.empty()) out = "results/grokking_" + cfg.name;

  std::printf("grokking (%s): %s mod %u, %.0f%% train, %lld layer(s), d_model %lld, %lld heads, MLP %lld, "
              "AdamW lr %g wd %g, %s, %lld updates, seed %llu\n",
              cfg.name.c_str(), genlab::splits::to_string(cfg.data.op), cfg.data.p, 100 * cfg.data.train_fraction,
              static_cast<long long>(cfg.model.n_layers), static_cast<long long>(cfg.model.d_model),
              static_cast<long long>(cfg.model.n_heads), static_cast<long long>(cfg.model.d_mlp), cfg.optimizer.lr,
              cfg.optimizer.weight_decay, cfg.batch_size == 0 ? "full batch" : "minibatch",
              static_cast<long long>(cfg.steps), static_cast<unsigned long long>(cfg.seed));
  std::fflush(stdout);
  const ge::GrokkingResult r = plot_only ? ge::grokking_result_from_log(out) : ge::run_grokking(cfg, out, opt, use_double);

  std::vector<ge::TextSeries> curves = {{'.', "train", {}, {}}, {'#', "test", {}, {}}};
  for (const auto& row : r.log) {
    const double step = row.at("step").get<double>();
    if (step <= 0) continue;
    curves[0].x.push_back(step), curves[0].y.push_back(row.at("train_exact_match").get<double>());
    curves[1].x.push_back(step), curves[1].y.push_back(row.at("test_exact_match").get<double>());
  }
  std::printf("\n%s\n", ge::text_plot(curves).c_str());
  auto step_text = [](std::int64_t s) { return s < 0 ? std::string("not reached") : "update " + std::to_string(s); };
  std::printf("fit  (train accuracy >= %.0f%%): %s\n", 100 * cfg.threshold, step_text(r.fit_step).c_str());
  std::printf("grok (test accuracy  >= %.0f%%): %s\n", 100 * cfg.threshold, step_text(r.grok_step).c_str());
  if (r.fit_step > 0 && r.grok_step > 0)
    std::printf("grok / fit = %.1fx\n", static_cast<double>(r.grok_step) / static_cast<double>(r.fit_step));
  std::printf("final: train accuracy %.4f, test accuracy %.4f, test loss %.3g nats\n", r.final_train_accuracy,
              r.final_test_accuracy, r.final_test_loss);
  if (!r.key_frequencies.empty()) {
    std::printf("key frequencies (Fourier analysis of the MLP neurons):");
    for (auto k : r.key_frequencies) std::printf(" %lld", static_cast<long long>(k));
    std::printf("\n");
  }
  if (plot_only)
    std::printf("logged through update %d; plots in %s/ (accuracy.png, loss.png)\n", static_cast<int>(r.steps), out.c_str());
  else
    std::printf("%d updates in %.1f s; results in %s/ (accuracy.png, loss.png, metrics.csv, summary.json)\n",
                static_cast<int>(r.steps), r.seconds, out.c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "grokking: error: %s\n", e.what());
  return 1;
}
