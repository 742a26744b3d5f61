// Grokking on modular arithmetic (Power et al. 2022; Nanda et al. 2023), end to end.
//
//   grokking                         quick preset: p = 53, 50% train, d 64; groks in minutes
//   grokking --preset nanda          Nanda et al.'s exact configuration (hours on 2 cores)
//   grokking --preset power          Power et al.'s 2-layer post-LN x/y mod 97, batch 512
//   grokking --preset nanda --plot-only  summary and plots of a run still going or stopped, from its log
//   options (grokking --help lists them with ranges and defaults): --steps N --seed N --p P
//            --train-fraction F --eval-every N --out DIR --double --no-resume --restart --quiet
//            --plot-only
// Writes DIR/{config.json, metrics.csv, metrics.jsonl, summary.json, accuracy.png/svg,
// loss.png/svg, checkpoint/}; a killed run continues from its checkpoint when restarted.
// Every option is checked (and the whole config validated) before anything is written:
// exit 2 for a usage error, 1 for a runtime error.

#include <genlab/experiments/grokking.hpp>
#include <genlab/experiments/text_plot.hpp>

#include <cstdio>
#include <string>

#include "cli.hpp"

namespace ge = genlab::experiments;
namespace cli = genlab_examples::cli;

int main(int argc, char** argv) {
  const ge::GrokkingConfig quick = ge::GrokkingConfig::quick(), nanda = ge::GrokkingConfig::nanda(),
                           power = ge::GrokkingConfig::power();
  // A default that depends on the preset, for --help.
  auto per_preset = [&](auto get) {
    return "quick " + cli::text(get(quick)) + ", nanda " + cli::text(get(nanda)) + ", power " + cli::text(get(power));
  };

  CLI::App app("Grokking on modular arithmetic (Power et al. 2022; Nanda et al. 2023): trains a transformer on "
               "a op b mod p and reports when it fits and when it groks.",
               "grokking");
  cli::configure(app);
  std::string preset = "quick", out;
  ge::RunOptions opt;
  bool use_double = false, plot_only = false, no_resume = false, restart = false, quiet = false;
  std::int64_t steps = 0, eval_every = 0;
  std::uint64_t seed = 0;
  std::uint32_t p = 0;
  double train_fraction = 0;
  app.add_option("--preset", preset, "configuration to start from: quick (p = 53, minutes), nanda (Nanda et al. "
                                     "2023, p = 113), power (Power et al. 2022, x/y mod 97)")
      ->transform(cli::one_of({"quick", "nanda", "power"}));
  auto* o_steps = app.add_option("--steps", steps, "number of updates")
                      ->transform(cli::integer<std::int64_t>(1))
                      ->default_str(per_preset([](const ge::GrokkingConfig& c) { return c.steps; }));
  auto* o_seed = app.add_option("--seed", seed, "seed of the data split and of the model's initialization")
                     ->transform(cli::integer<std::uint64_t>())
                     ->default_str(std::to_string(quick.seed));
  auto* o_p = app.add_option("--p", p, "modulus p (a prime for power's division)")
                  ->transform(cli::integer<std::uint32_t>(2, 10007))
                  ->default_str(per_preset([](const ge::GrokkingConfig& c) { return c.data.p; }));
  auto* o_frac = app.add_option("--train-fraction", train_fraction, "share of the p*p pairs used for training")
                     ->transform(cli::real(0.0, 1.0, true, true))
                     ->default_str(per_preset([](const ge::GrokkingConfig& c) { return c.data.train_fraction; }));
  auto* o_eval = app.add_option("--eval-every", eval_every, "evaluate (and log) every N updates")
                     ->transform(cli::integer<std::int64_t>(1))
                     ->default_str(per_preset([](const ge::GrokkingConfig& c) { return c.eval_every; }));
  app.add_option("--out", out, "results folder")->transform(cli::output_dir())->default_str("results/grokking_<preset>");
  app.add_flag("--double", use_double, "train in double precision (default: float)");
  auto* o_plot = app.add_flag("--plot-only", plot_only,
                              "no training: summary and plots from the log of a run in --out (still going or stopped)");
  app.add_flag("--no-resume", no_resume, "do not continue from the checkpoint a previous run left in --out");
  app.add_flag("--restart", restart, "start over: discard what a previous run left in --out")->excludes(o_plot);
  app.add_flag("--quiet", quiet, "no progress output on stderr");
  app.add_option("--stop-at", opt.stop_at, "end this session at the first evaluation at or after update N; rerun "
                                           "the same command to continue (a time-boxed session)")
      ->transform(cli::integer<std::int64_t>(1))
      ->default_str("none: train to --steps")
      ->excludes(o_plot);
  if (const int rc = cli::parse(app, argc, argv); rc >= 0) return rc;

  // The config: the preset, then the options given; validated before anything is written.
  ge::GrokkingConfig cfg = preset == "nanda" ? nanda : preset == "power" ? power : quick;
  if (o_steps->count()) cfg.steps = steps;
  if (o_seed->count()) cfg.seed = cfg.data.seed = seed;
  if (o_p->count()) cfg.data.p = p;
  if (o_frac->count()) cfg.data.train_fraction = train_fraction;
  if (o_eval->count()) cfg.eval_every = eval_every;
  if (out.empty()) out = "results/grokking_" + cfg.name;
  opt.resume = !no_resume;
  opt.restart = restart;
  opt.progress = !quiet;
  try {
    cfg.validate();
  } catch (const std::invalid_argument& e) {
    return cli::config_error(app, e, {{"steps", "--steps"}, {"p", "--p"}, {"train_fraction", "--train-fraction"},
                                      {"eval_every", "--eval-every"}});
  }

  try {
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
      const double step = static_cast<double>(row.step);
      if (step <= 0) continue;
      curves[0].x.push_back(step), curves[0].y.push_back(row.train_exact_match);
      curves[1].x.push_back(step), curves[1].y.push_back(row.test_exact_match);
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
}
