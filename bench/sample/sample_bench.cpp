// CPU benchmark of the hypothesis samplers (hypotheses per second), for side-by-side comparison
// with bench/sample/sample_numpy_peer.py (run both with bench/sample/run_cpu_bench.sh).
// Prints "name rate" lines; also the machine's measured GEMM rate (Eigen, 1024³, all threads).
// GCC 12 reports a false maybe-uninitialized inside its own AVX-512 intrinsics when Eigen is
// built with -march=native on an AVX-512 machine; it is not in genlab code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <chrono>
#include <cstdio>
#include <string>

#include "genlab/core/blas.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample.hpp"

using namespace genlab;
using Clock = std::chrono::steady_clock;

namespace {
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class F>
double rate(std::size_t n, F&& f) {
  f(std::max<std::size_t>(1, n / 10));  // warm-up
  const auto t0 = Clock::now();
  f(n);
  return static_cast<double>(n) / since(t0);
}

sample::MlpData data(int n, int nt, int d, int k) {
  core::Philox4x32 g(31);
  sample::MlpData x;
  x.train_inputs.resize(n, d);
  x.test_inputs.resize(nt, d);
  for (Eigen::Index i = 0; i < x.train_inputs.size(); ++i) x.train_inputs.data()[i] = core::normal_double(g);
  for (Eigen::Index i = 0; i < x.test_inputs.size(); ++i) x.test_inputs.data()[i] = core::normal_double(g);
  x.train_targets = Eigen::MatrixXd::Zero(n, k);
  x.test_targets = Eigen::MatrixXd::Zero(nt, k);
  for (int i = 0; i < n; ++i) x.train_targets(i, i % k) = 1;
  for (int i = 0; i < nt; ++i) x.test_targets(i, i % k) = 1;
  return x;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--backend") {  // which kernels run the GEMMs
    std::printf("%s\n", genlab::core::gemm_backend().c_str());
    return 0;
  }
  {
    const int n = 1024;
    Eigen::MatrixXd a = Eigen::MatrixXd::Random(n, n), b = Eigen::MatrixXd::Random(n, n), c(n, n);
    c.noalias() = a * b;
    const auto t0 = Clock::now();
    for (int r = 0; r < 5; ++r) c.noalias() = a * b;
    std::printf("eigen_gemm_1024_gflops %.2f\n", 2.0 * n * n * double(n) * 5 / since(t0) / 1e9);
  }
  // GP: N_t = 256 test points, k = 10 classes.
  const int nt = 256, k = 10;
  core::Philox4x32 g(1);
  Eigen::MatrixXd b(nt, nt);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = core::normal_double(g);
  sample::GpHypothesisSpace s;
  s.covariance = b * b.transpose() / nt + 0.05 * Eigen::MatrixXd::Identity(nt, nt);
  s.mean = Eigen::MatrixXd::Zero(nt, k);
  s.targets = Eigen::MatrixXd::Zero(nt, k);
  for (int r = 0; r < nt; ++r) s.targets(r, r % k) = 1;
  const auto f = sample::factor_gp(s);
  sample::SampleOptions cls, eig;
  eig.classification_error = false;
  std::printf("gp_predict %.4g\n", rate(20000, [&](std::size_t n) { sample::sample_gp_losses(f, 7, 0, n, cls); }));
  std::printf("gp_eigen_mse %.4g\n", rate(100000, [&](std::size_t n) { sample::sample_gp_losses(f, 7, 0, n, eig); }));
  // Random Fourier features: n = 64 train, 256 test, d = 16, D = 256, k = 10, interpolating.
  const auto rf = data(64, 256, 16, 10);
  sample::RandomFeatureSpace rfs;
  rfs.features = 256;
  std::printf("random_features_interp %.4g\n",
              rate(4000, [&](std::size_t n) { sample::sample_random_feature_losses(rfs, rf, 7, 0, n, cls); }));
  // MLP: d = 16, width 32, depth 1, 64 train / 256 test points, 100 full-batch Adam steps.
  sample::MlpSpace ms;
  ms.width = 32;
  ms.depth = 1;
  ms.epochs = 100;
  std::printf("mlp_train100 %.4g\n", rate(400, [&](std::size_t n) { sample::sample_mlp_losses(ms, rf, 7, 0, n, cls); }));
  return 0;
}
