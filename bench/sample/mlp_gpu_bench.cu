// GPU benchmark of the batched MLP sampler (sample/cuda/mlp.cuh): networks trained per second,
// in double and float, against the same sampler on 2 CPU threads, on bench/sample/sample_bench.cpp's
// configuration (d = 16, 64 train / 256 test points, k = 10, width 32, depth 1, 100 full-batch
// Adam steps), plus the GPU-vs-CPU loss agreement on the networks both computed. Prints
// "figure: name = value unit" lines for tools/gpu_check.sh; the PyTorch peer is
// bench/sample/mlp_torch_peer.py. Usage: mlp_gpu_bench [networks] [epochs]. Exit 77 without a GPU.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/cuda/mlp.cuh"

using namespace genlab;
using Clock = std::chrono::steady_clock;

namespace {

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

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class Real>
double gpu_rate(const sample::MlpSpace& s, const sample::MlpData& x, std::uint64_t n, sample::MlpLossSample* keep) {
  sample::cuda::MlpSampler<Real> sampler(s, x);
  sampler.sample(1, 0, 1);  // warm-up (one tile)
  cudaDeviceSynchronize();
  const auto t0 = Clock::now();
  auto r = sampler.sample(7, 0, n);
  const double t = seconds_since(t0);
  if (keep) *keep = std::move(r);
  std::printf("  (%s: %zu networks per tile)\n", sizeof(Real) == 8 ? "double" : "float", sampler.tile_networks());
  return static_cast<double>(n) / t;
}

}  // namespace

int main(int argc, char** argv) {
  if (sample::cuda::device_count() == 0) {
    std::printf("SKIP: no CUDA device\n");
    return 77;
  }
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 16384;
  sample::MlpSpace s;
  s.width = 32;
  s.depth = 1;
  s.epochs = argc > 2 ? std::atoi(argv[2]) : 100;
  const int d = 16, k = 10, ntr = 64, nte = 256;
  const auto x = data(ntr, nte, d, k);
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  std::printf("device: %s; MLP %d-%d-%d-%d, %d train / %d test points, %d Adam steps, %llu networks\n", prop.name, d,
              s.width, s.width, k, ntr, nte, s.epochs, static_cast<unsigned long long>(n));
  // GEMM flops per network: forward + two backward products per step, then two evaluations.
  const double macs = double(d) * s.width + double(s.width) * s.width + double(s.width) * k;
  const double flop = 2.0 * macs * (3.0 * ntr * s.epochs + ntr + nte);
  sample::MlpLossSample gd_losses;
  const double gd = gpu_rate<double>(s, x, n, &gd_losses);
  const double gs = gpu_rate<float>(s, x, n, nullptr);
  std::printf("figure: gpu_mlp_train_double = %.4g networks/s (%.2f TFLOP/s in GEMMs)\n", gd, gd * flop / 1e12);
  std::printf("figure: gpu_mlp_train_float = %.4g networks/s (%.2f TFLOP/s in GEMMs)\n", gs, gs * flop / 1e12);
  sample::SampleOptions o;
  o.threads = 2;
  const std::uint64_t cpu_n = 32;
  const auto t0 = Clock::now();
  const auto c = sample::sample_mlp_losses(s, x, 7, 0, cpu_n, o);
  const double cd = static_cast<double>(cpu_n) / seconds_since(t0);
  double worst = 0;
  for (std::size_t i = 0; i < cpu_n; ++i)
    worst = std::max(worst, std::abs(gd_losses.test.mse[i] - c.test.mse[i]) / std::max(c.test.mse[i], 1e-300));
  std::printf("figure: cpu2_mlp_train_double = %.4g networks/s (2 threads of this machine's CPU)\n", cd);
  std::printf("figure: ratio_gpu_vs_cpu2_mlp_double = %.1f x\n", gd / cd);
  std::printf("figure: mlp_gpu_vs_cpu_max_rel_test_mse_diff = %.3g (first %llu networks, double)\n", worst,
              static_cast<unsigned long long>(cpu_n));
  return 0;
}
