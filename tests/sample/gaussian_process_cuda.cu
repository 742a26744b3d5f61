// The CUDA GP sampler against the CPU one: same hypotheses (double: MSE to 1e-10, argmax error
// equal), float within float rounding, shards exact, and the GPU losses against the exact
// generalized chi-square law. Exit codes: 0 pass, 77 no GPU (skipped), 1 fail.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/cuda/gaussian_process.cuh"

using namespace genlab;

namespace {

int failures = 0;
void expect(bool ok, const char* what, double value) {
  std::printf("%s %-58s %.6g\n", ok ? "ok  " : "FAIL", what, value);
  if (!ok) ++failures;
}

sample::GpHypothesisSpace toy_space(int nt, int k, std::uint64_t seed) {
  core::Philox4x32 g(seed);
  Eigen::MatrixXd b(nt, nt);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = core::normal_double(g);
  sample::GpHypothesisSpace s;
  s.covariance = b * b.transpose() / nt + 0.05 * Eigen::MatrixXd::Identity(nt, nt);
  s.mean.resize(nt, k);
  for (Eigen::Index i = 0; i < s.mean.size(); ++i) s.mean.data()[i] = 0.3 * core::normal_double(g);
  s.targets = Eigen::MatrixXd::Zero(nt, k);
  for (int r = 0; r < nt; ++r) s.targets(r, core::uniform_index(g, static_cast<std::uint32_t>(k))) = 1.0;
  return s;
}

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]) / std::max(std::abs(b[i]), 1e-300));
  return m;
}

}  // namespace

int main() {
  if (sample::cuda::device_count() == 0) {
    std::printf("SKIP: no CUDA device (the GP sampler's GPU tests need one)\n");
    return 77;
  }
  try {
    const auto space = toy_space(40, 5, 11);
    const auto f = sample::factor_gp(space);
    sample::SampleOptions cls, mse_only;
    mse_only.classification_error = false;
    sample::cuda::GpuOptions gopt;
    gopt.tile = 64;  // several tiles, partial ones at both ends

    // Double: the same hypotheses as the CPU.
    sample::cuda::GpSampler<double> gpu(f, gopt);
    const auto cpu_full = sample::sample_gp_losses(f, 99, 3, 503, cls);
    const auto gpu_full = gpu.sample(99, 3, 503, cls);
    expect(max_rel(gpu_full.mse, cpu_full.mse) < 1e-10, "double prediction path: max rel MSE diff vs CPU", max_rel(gpu_full.mse, cpu_full.mse));
    int err_diff = 0;
    for (std::size_t i = 0; i < cpu_full.error.size(); ++i) err_diff += gpu_full.error[i] != cpu_full.error[i];
    expect(err_diff <= 1, "double: hypotheses whose argmax error differs from CPU", err_diff);
    const auto cpu_eig = sample::sample_gp_losses(f, 99, 3, 503, mse_only);
    const auto gpu_eig = gpu.sample(99, 3, 503, mse_only);
    expect(max_rel(gpu_eig.mse, cpu_eig.mse) < 1e-10, "double eigenbasis path: max rel MSE diff vs CPU", max_rel(gpu_eig.mse, cpu_eig.mse));

    // Shards merge bit for bit.
    const auto whole = gpu.sample(5, 0, 1000, cls);
    const auto merged = sample::merge({gpu.sample(5, 0, 333, cls), gpu.sample(5, 333, 1000, cls)});
    expect(merged.mse == whole.mse && merged.error == whole.error, "double: shards [0,333)+[333,1000) == [0,1000) bitwise", 0);

    // Float: same float normals as core::normal_float, float GEMM.
    sample::cuda::GpSampler<float> gpuf(f, gopt);
    const auto gf = gpuf.sample(99, 3, 203, cls);
    std::vector<double> ref(200);
    Eigen::MatrixXf zf(40, 5);
    for (int j = 0; j < 200; ++j) {
      sample::fill_normals(99, 3 + j, zf.data(), static_cast<std::size_t>(zf.size()));
      const Eigen::MatrixXd F = f.mean + f.factor * zf.cast<double>();
      ref[j] = (F - space.targets).squaredNorm() / 200.0;
    }
    expect(max_rel(gf.mse, ref) < 1e-4, "float prediction path: max rel MSE diff vs CPU float normals", max_rel(gf.mse, ref));

    // Distribution: 20000 GPU draws (float, eigenbasis) against the exact law.
    const auto law = sample::gp_loss_law(f);
    auto big = gpuf.sample(2024, 0, 20000, mse_only);
    const double n = static_cast<double>(big.mse.size());
    double m = 0, v = 0;
    for (double x : big.mse) m += x;
    m /= n;
    for (double x : big.mse) v += (x - m) * (x - m);
    v /= n - 1;
    expect(std::abs(m - law.mean()) < 4 * std::sqrt(law.variance() / n), "float GPU: |mean - exact| / (4 se) < 1",
           std::abs(m - law.mean()) / (4 * std::sqrt(law.variance() / n)));
    const double vse = std::sqrt((law.cumulant(4) + 2 * law.variance() * law.variance()) / n);
    expect(std::abs(v - law.variance()) < 4 * vse, "float GPU: |var - exact| / (4 se) < 1", std::abs(v - law.variance()) / (4 * vse));
    std::sort(big.mse.begin(), big.mse.end());
    double d = 0;
    for (std::size_t j = 0; j < big.mse.size(); j += 1) {
      const double F = law.cdf(big.mse[j]);
      d = std::max({d, (j + 1) / n - F, F - j / n});
    }
    expect(d < 1.63 / std::sqrt(n), "float GPU: KS statistic < 1% critical 1.63/sqrt(n)", d);
  } catch (const std::exception& e) {
    std::printf("FAIL: exception: %s\n", e.what());
    return 1;
  }
  std::printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
