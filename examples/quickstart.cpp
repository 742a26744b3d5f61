// genlab quick start: the README's main job.
//
// A short tour that ends with files in a results folder:
//   1. reproducible randomness: per-index Philox streams give the same numbers for any thread
//      count (and the same 32-bit words as cuRAND on a GPU);
//   2. real data: Fashion-MNIST from Debian's package, read from its gzipped IDX files, with
//      per-class pixel statistics;
//   3. results: config + seed in config.json, the table as CSV and JSONL, all written atomically.
//
// Usage: quickstart [--out DIR] [--seed N] [--quiet]

#include <genlab/core.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "cli.hpp"

namespace gc = genlab::core;
namespace cli = genlab_examples::cli;

int main(int argc, char** argv) {
  CLI::App app("genlab quick start: reproducible Philox randomness, Fashion-MNIST statistics, and a results folder.",
               "quickstart");
  cli::configure(app);
  std::string out_dir = "results/quickstart";
  std::uint64_t seed = 2026;
  bool quiet = false;
  app.add_option("--out", out_dir, "results folder")->transform(cli::output_dir());
  app.add_option("--seed", seed, "seed of the Monte Carlo streams")->transform(cli::integer<std::uint64_t>());
  app.add_flag("--quiet", quiet, "no progress output on stderr");
  if (const int rc = cli::parse(app, argc, argv); rc >= 0) return rc;

  try {
    std::printf("genlab %s quick start (seed %llu, %d threads)\n\n", GENLAB_VERSION_STRING,
                static_cast<unsigned long long>(seed), gc::max_threads());

    // 1. Per-index streams: a Monte Carlo estimate of pi, one stream per batch.
    const std::int64_t batches = 256, per_batch = 4096;
    std::vector<std::int64_t> inside(static_cast<std::size_t>(batches));
    gc::parallel_for(batches, [&](std::int64_t b) {
      gc::Philox4x32 g = gc::philox_stream(seed, static_cast<std::uint64_t>(b));
      std::int64_t hits = 0;
      for (std::int64_t k = 0; k < per_batch; ++k) {
        const double x = gc::uniform_double53(g), y = gc::uniform_double53(g);
        hits += x * x + y * y <= 1.0;
      }
      inside[static_cast<std::size_t>(b)] = hits;
    });
    std::int64_t hits = 0;
    for (auto h : inside) hits += h;
    const double n = static_cast<double>(batches * per_batch);
    const double pi_hat = 4.0 * static_cast<double>(hits) / n;
    const double pi_se = 4.0 * std::sqrt((pi_hat / 4) * (1 - pi_hat / 4) / n);
    std::printf("1. Monte Carlo pi from %lld Philox draws: %.5f +- %.5f (true %.5f)\n",
                static_cast<long long>(2 * batches * per_batch), pi_hat, pi_se, M_PI);
    gc::Philox4x32 g0(seed);
    std::printf("   first words of stream (seed %llu, subsequence 0): %08x %08x %08x %08x\n\n",
                static_cast<unsigned long long>(seed), g0(), g0(), g0(), g0());

    // 2. Fashion-MNIST per-class statistics.
    gc::CsvTable table({"label", "name", "count", "mean_pixel", "ink_fraction"});
    gc::Json rows = gc::Json::array();
    if (std::filesystem::exists(gc::kDebianFashionMnistDir)) {
      const char* names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
      const gc::MnistSplit train = gc::load_mnist_split(gc::kDebianFashionMnistDir, "train");
      const std::size_t pixels = train.rows * train.cols;
      std::vector<double> sum(10, 0.0), ink(10, 0.0);
      std::vector<std::size_t> count(10, 0);
      gc::ProgressOptions popt;
      popt.quiet = quiet;
      gc::Progress progress("fashion-mnist", train.count, popt);
      for (std::size_t i = 0; i < train.count; ++i) {
        const unsigned label = train.labels[i];
        ++count[label];
        for (std::size_t p = 0; p < pixels; ++p) {
          const unsigned char v = train.images[i * pixels + p];
          sum[label] += v;
          ink[label] += v > 127;
        }
        progress.add();
      }
      progress.finish();
      std::printf("2. Fashion-MNIST train: %zu images of %zux%zu\n", train.count, train.rows, train.cols);
      std::printf("   %-12s %6s %10s %8s\n", "class", "count", "mean pix", "ink");
      for (int c = 0; c < 10; ++c) {
        const double denom = static_cast<double>(count[static_cast<std::size_t>(c)] * pixels);
        const double mean = sum[static_cast<std::size_t>(c)] / denom, frac = ink[static_cast<std::size_t>(c)] / denom;
        std::printf("   %-12s %6zu %10.2f %8.3f\n", names[c], count[static_cast<std::size_t>(c)], mean, frac);
        table.row(c, names[c], count[static_cast<std::size_t>(c)], mean, frac);
        rows.push_back({{"label", c}, {"name", names[c]}, {"count", count[static_cast<std::size_t>(c)]},
                        {"mean_pixel", mean}, {"ink_fraction", frac}});
      }
    } else {
      std::printf("2. Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); skipped\n");
    }

    // 3. Results folder.
    const std::filesystem::path dir = out_dir;
    gc::write_json(dir / "config.json", {{"program", "quickstart"}, {"genlab", GENLAB_VERSION_STRING}, {"seed", seed},
                                         {"batches", batches}, {"per_batch", per_batch}});
    gc::write_json(dir / "pi.json", {{"estimate", pi_hat}, {"standard_error", pi_se}, {"draws", 2 * batches * per_batch}});
    gc::write_csv(dir / "fashion_mnist_classes.csv", table);
    std::vector<gc::Json> lines(rows.begin(), rows.end());
    gc::write_jsonl(dir / "fashion_mnist_classes.jsonl", lines);
    std::printf("\n3. results written to %s/ (config.json, pi.json, fashion_mnist_classes.{csv,jsonl})\n",
                dir.string().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "quickstart: error: %s\n", e.what());
    return 1;
  }
}
