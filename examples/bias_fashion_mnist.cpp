// Inductive bias of Fashion-MNIST from the data (Debian's dataset-fashion-mnist):
//  1. P1's model-agnostic complexity Ĩ with n, k, R, m and δ estimated from the training set as
//     task_difficulty.py does (pixels / 255, flattened; m = round(MLE, k = 5, 10000 queries);
//     δ by sample_delta and by evt_delta);
//  2. P2's exact inductive bias of the RBF-kernel (GP) hypothesis space on a subset: 10,000 sampled
//     posterior hypotheses, the fitted scaled ncx2, and the exact generalized-χ² value.
// Usage: bias_fashion_mnist [out.json] [--queries N] [--delta-samples S] [--evt-pairs P]
//                           [--gp-train N] [--gp-test N] [--hypotheses H] [--seed S] [--data DIR]
// (bias_fashion_mnist --help lists the ranges and defaults.) Options are checked before anything
// is computed or written: exit 2 for a usage error, 1 for a runtime error.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli.hpp"
#include "genlab/bias.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/mnist.hpp"

using namespace genlab;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  namespace cli = genlab_examples::cli;
  CLI::App app("Inductive bias of Fashion-MNIST from the data: P1's model-agnostic complexity with n, k, R, m and "
               "delta estimated from the training set, and P2's exact inductive bias of the RBF-kernel GP "
               "hypothesis space on a subset.",
               "bias_fashion_mnist");
  cli::configure(app);
  std::string out = "bias_fashion_mnist.json", dir = core::kDebianFashionMnistDir.string();
  std::int64_t queries = 10000, delta_samples = 10000, evt_pairs = 1000000, gp_train = 1000, gp_test = 50,
               hypotheses = 10000;
  std::uint64_t seed = 0;
  app.add_option("out", out, "JSON file to write")->transform(cli::output_file());
  app.add_option("--queries", queries, "query points of the intrinsic-dimension estimators")
      ->transform(cli::integer<std::int64_t>(0))
      ->check(cli::checked_by(
          [](const std::string& s) {
            // TwoNN fits its line to the neighbour-distance ratios of at least two queries.
            if (s == "1")
              throw cli::UsageError("1 query point; expected 0 (all points) or >= 2 (TwoNN needs two ratios)");
          },
          "0 (all points) or >= 2", "queries"));
  // sample_delta needs two sampled points with different labels: 2 points share a label one time in
  // ten on Fashion-MNIST's 10 balanced classes, 20 points about once in 1e19.
  app.add_option("--delta-samples", delta_samples, "points sampled by sample_delta")
      ->transform(cli::integer<std::int64_t>(20));
  app.add_option("--evt-pairs", evt_pairs, "pairs with different labels sampled by evt_delta (k = min(2000, P / 10))")
      ->transform(cli::integer<std::int64_t>(20));
  app.add_option("--gp-train", gp_train, "GP training points (at most the training set's size)")
      ->transform(cli::integer<std::int64_t>(2));
  app.add_option("--gp-test", gp_test, "GP test points (at most the test set's size)")
      ->transform(cli::integer<std::int64_t>(1));
  app.add_option("--hypotheses", hypotheses, "sampled GP posterior hypotheses")->transform(cli::integer<std::int64_t>(3));
  app.add_option("--seed", seed, "seed of every sampler")->transform(cli::integer<std::uint64_t>());
  app.add_option("--data", dir, "folder with Fashion-MNIST's IDX files (Debian: dataset-fashion-mnist)")
      ->transform(cli::input_dir());
  if (const int rc = cli::parse(app, argc, argv); rc >= 0) return rc;

  try {
    const auto t0 = std::chrono::steady_clock::now();
    const core::MnistSplit train = core::load_mnist_split(dir, "train");
    const core::MnistSplit test = core::load_mnist_split(dir, "test");
    if (gp_train > static_cast<std::int64_t>(train.count) || gp_test > static_cast<std::int64_t>(test.count)) {
      std::fprintf(stderr, "bias_fashion_mnist: error: %s\nRun with --help for more information.\n",
                   (gp_train > static_cast<std::int64_t>(train.count)
                        ? "--gp-train: value " + std::to_string(gp_train) + " is more than the " +
                              std::to_string(train.count) + " training images"
                        : "--gp-test: value " + std::to_string(gp_test) + " is more than the " +
                              std::to_string(test.count) + " test images")
                       .c_str());
      return 2;
    }
    const auto d = static_cast<Eigen::Index>(train.rows * train.cols);
    auto to_matrix = [&](const core::MnistSplit& s) {
      Eigen::MatrixXd x(static_cast<Eigen::Index>(s.count), d);
      for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (Eigen::Index j = 0; j < d; ++j) x(i, j) = s.images[static_cast<std::size_t>(i * d + j)] / 255.0;
      return x;
    };
    const Eigen::MatrixXd X = to_matrix(train);
    const std::vector<int> labels(train.labels.begin(), train.labels.end());
    std::cerr << "loaded " << X.rows() << " x " << X.cols() << " in " << seconds_since(t0) << " s\n";

    core::Json j;
    j["dataset"] = {{"name", "fashion-mnist"}, {"dir", dir}, {"train", train.count}, {"test", test.count}};
    j["seed"] = seed;

    // --- P1 inputs from data ---------------------------------------------------------------
    const double R = bias::data_radius(X);
    auto t = std::chrono::steady_clock::now();
    bias::MleOptions mo;
    mo.k = 5;
    mo.query_count = queries;
    mo.seed = seed;
    const bias::IntrinsicDimensionResult id = bias::mle_intrinsic_dimension(X, mo);
    const double id_seconds = seconds_since(t);
    bias::TwoNnOptions to;
    to.query_count = queries;
    to.seed = seed;
    const bias::IntrinsicDimensionResult twonn = bias::twonn_intrinsic_dimension(X, to);
    const double m = std::round(id.dimension);
    std::cerr << "R = " << R << ", m_mle = " << id.dimension << " (" << id_seconds << " s), m_twonn = " << twonn.dimension << "\n";

    t = std::chrono::steady_clock::now();
    bias::SampleDeltaOptions so;
    so.samples = delta_samples;
    so.seed = seed;
    const double delta_sample = bias::sample_delta(X, labels, so);
    const double sd_seconds = seconds_since(t);
    bias::EvtDeltaOptions eo;
    eo.pairs = evt_pairs;
    eo.k = std::min<std::int64_t>(2000, evt_pairs / 10);
    eo.seed = seed;
    const bias::EvtDelta evt = bias::evt_delta(X, labels, eo);
    std::cerr << "delta_sample = " << delta_sample << " (" << sd_seconds << " s), delta_evt = " << evt.delta << "\n";

    j["p1_inputs"] = {{"n", X.rows()}, {"classes", 10}, {"R", R}, {"m_mle", id.to_json()}, {"m", m},
                      {"m_twonn", twonn.to_json()}, {"delta_sample", delta_sample},
                      {"delta_sample_points", delta_samples}, {"delta_evt", evt.delta}, {"evt_gamma", evt.gamma},
                      {"evt_pairs", evt_pairs}, {"evt_k", eo.k}};
    core::Json p1 = core::Json::array();
    for (double eps : {0.1, 0.01, 0.001})
      for (const auto& [name, delta] : {std::pair<const char*, double>{"sample", delta_sample}, {"evt", evt.delta}}) {
        bias::ClassificationTask task;
        task.error = eps, task.n = static_cast<double>(X.rows()), task.m = m, task.radius = R, task.classes = 10;
        task.resolution = delta;
        const auto r = bias::classification_complexity(task);
        core::Json row = r.to_json();
        row["delta_estimator"] = name;
        p1.push_back(row);
        std::printf("P1  eps=%-6g delta(%s)=%.4f  I~ = %.6e bits\n", eps, name, delta, r.bits);
      }
    j["p1_complexity"] = p1;

    // --- P2 exact inductive bias of the RBF GP on a subset ------------------------------------
    t = std::chrono::steady_clock::now();
    const auto tr = bias::sample_without_replacement(X.rows(), gp_train, seed + 1);
    const auto te = bias::sample_without_replacement(static_cast<std::int64_t>(test.count), gp_test, seed + 2);
    const Eigen::MatrixXd Xt_all = to_matrix(test);
    Eigen::MatrixXd xtr(gp_train, d), xte(gp_test, d);
    std::vector<int> ytr, yte;
    for (Eigen::Index i = 0; i < gp_train; ++i) {
      xtr.row(i) = X.row(tr[static_cast<std::size_t>(i)]);
      ytr.push_back(labels[static_cast<std::size_t>(tr[static_cast<std::size_t>(i)])]);
    }
    for (Eigen::Index i = 0; i < gp_test; ++i) {
      xte.row(i) = Xt_all.row(te[static_cast<std::size_t>(i)]);
      yte.push_back(test.labels[static_cast<std::size_t>(te[static_cast<std::size_t>(i)])]);
    }
    // Bandwidth: the median distance between training points (σ = 1, the reference's choice, makes
    // every off-diagonal RBF entry ~e^-50 on these inputs: a trivial posterior).
    std::vector<double> dist;
    for (Eigen::Index i = 0; i < std::min<Eigen::Index>(gp_train, 200); ++i)
      for (Eigen::Index k = i + 1; k < std::min<Eigen::Index>(gp_train, 200); ++k) dist.push_back((xtr.row(i) - xtr.row(k)).norm());
    std::nth_element(dist.begin(), dist.begin() + static_cast<std::ptrdiff_t>(dist.size() / 2), dist.end());
    bias::Kernel kernel;
    kernel.bandwidth = dist[dist.size() / 2];
    const bias::GpPosterior post = bias::gp_posterior(kernel, xtr, bias::one_hot(ytr, 10), xte, bias::one_hot(yte, 10));
    const auto law = sample::gp_loss_law(post.space);
    const double mean_loss = law.mean();
    std::vector<double> eps;
    for (double f : {0.95, 0.9, 0.8, 0.7}) eps.push_back(f * mean_loss);
    bias::ExactIbOptions xo;
    const bias::ExactIbResult ib = bias::gp_exact_inductive_bias(post.space, static_cast<std::uint64_t>(hypotheses), seed, eps, xo);
    const double gp_seconds = seconds_since(t);
    for (const auto& e : ib.estimates)
      std::printf("P2  eps=%.5f (%.2f x mean)  I_fit = %.4f nats [%.4f, %.4f]  I_exact = %.4f nats  counted = %.4f\n", e.error,
                  e.error / mean_loss, e.nats, e.fisher_low_nats, e.fisher_high_nats, e.law_nats, e.empirical_nats);
    j["p2_gp"] = ib.to_json();
    j["p2_gp"]["kernel"] = {{"type", bias::to_string(kernel.type)}, {"bandwidth", kernel.bandwidth}, {"jitter", post.jitter}};
    j["p2_gp"]["train_points"] = gp_train;
    j["p2_gp"]["test_points"] = gp_test;
    j["p2_gp"]["mean_loss_exact"] = mean_loss;
    j["p2_gp"]["seconds"] = gp_seconds;
    j["seconds"] = seconds_since(t0);
    core::write_json(out, j);
    std::cerr << "wrote " << out << " (" << seconds_since(t0) << " s)\n";
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bias_fashion_mnist: error: %s\n", e.what());
    return 1;
  }
}
