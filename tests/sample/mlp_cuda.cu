// The batched CUDA MLP sampler against the CPU one: the same initial networks bit for bit,
// every network trained to zero training error on a small interpolation task (XOR), the same
// per-network losses as training each network alone on the CPU (double, to rounding), shards
// exact, float close. Exit codes: 0 pass, 77 no GPU (skipped), 1 fail.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "genlab/sample/cuda/mlp.cuh"

using namespace genlab;

namespace {

int failures = 0;
void expect(bool ok, const char* what, double value) {
  std::printf("%s %-62s %.6g\n", ok ? "ok  " : "FAIL", what, value);
  if (!ok) ++failures;
}

// 8 points in the plane, two classes by XOR of the signs (tests/sample/mlp_test.cpp's task).
sample::MlpData xor_data() {
  sample::MlpData d;
  d.train_inputs.resize(8, 2);
  d.train_inputs << 1, 1, -1, -1, 1, -1, -1, 1, 0.5, 0.4, -0.6, -0.5, 0.5, -0.5, -0.4, 0.6;
  d.train_targets = Eigen::MatrixXd::Zero(8, 2);
  for (int i = 0; i < 8; ++i) d.train_targets(i, d.train_inputs(i, 0) * d.train_inputs(i, 1) > 0 ? 0 : 1) = 1.0;
  d.test_inputs = 0.8 * d.train_inputs;
  d.test_targets = d.train_targets;
  return d;
}

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]) / std::max(std::abs(b[i]), 1e-12));
  return m;
}

}  // namespace

int main() {
  if (sample::cuda::device_count() == 0) {
    std::printf("SKIP: no CUDA device (the MLP sampler's GPU tests need one)\n");
    return 77;
  }
  try {
    const auto data = xor_data();
    sample::MlpSpace space;
    space.width = 32;
    space.depth = 1;
    space.epochs = 200;
    sample::cuda::MlpGpuOptions gopt;
    gopt.tile = 48;  // [0, 128) spans three tiles, the last one partial
    sample::cuda::MlpSampler<double> gpu(space, data, gopt);

    // Initial networks: bit for bit the CPU's.
    double init_diff = 0;
    for (std::uint64_t h : {0ull, 37ull, 100ull}) {
      const auto g = gpu.initial_network(2024, h);
      const auto c = sample::mlp_init(space, 2, 2, 2024, h);
      for (std::size_t l = 0; l < c.weights.size(); ++l) {
        init_diff = std::max(init_diff, (g.weights[l] - c.weights[l]).cwiseAbs().maxCoeff());
        init_diff = std::max(init_diff, (g.biases[l] - c.biases[l]).cwiseAbs().maxCoeff());
      }
    }
    expect(init_diff == 0.0, "double: initial parameters == CPU mlp_init (max |diff|)", init_diff);

    const auto g = gpu.sample(2024, 0, 128);
    const auto c = sample::sample_mlp_losses(space, data, 2024, 0, 128);
    int zero = 0, err_diff = 0;
    for (std::size_t i = 0; i < 128; ++i) {
      zero += g.train_error[i] == 0.0;
      err_diff += (g.train_error[i] != c.train_error[i]) + (g.test.error[i] != c.test.error[i]);
    }
    expect(zero == 128, "double: networks with zero training error (of 128)", zero);
    expect(max_rel(g.train_mse, c.train_mse) < 1e-6, "double: max rel train MSE diff vs CPU", max_rel(g.train_mse, c.train_mse));
    expect(max_rel(g.test.mse, c.test.mse) < 1e-6, "double: max rel test MSE diff vs CPU", max_rel(g.test.mse, c.test.mse));
    expect(err_diff == 0, "double: argmax errors differing from CPU (train + test)", err_diff);

    // Shards merge bit for bit (whole aligned tiles, same GEMM shapes).
    const auto merged = sample::merge({gpu.sample(2024, 0, 37).test, gpu.sample(2024, 37, 128).test});
    expect(merged.mse == g.test.mse && merged.error == g.test.error, "double: shards [0,37)+[37,128) == [0,128) bitwise", 0);

    // The prior (no training) does not interpolate XOR for some network.
    sample::MlpSpace prior = space;
    prior.epochs = 0;
    const auto p = sample::cuda::sample_mlp_losses<double>(prior, data, 2024, 0, 64, {}, gopt);
    const auto pc = sample::sample_mlp_losses(prior, data, 2024, 0, 64);
    expect(*std::max_element(p.train_error.begin(), p.train_error.end()) > 0.0, "prior: some network misclassifies XOR",
           *std::max_element(p.train_error.begin(), p.train_error.end()));
    expect(max_rel(p.test.mse, pc.test.mse) < 1e-12, "prior: max rel test MSE diff vs CPU", max_rel(p.test.mse, pc.test.mse));

    // Float: trains to zero error too, losses close to the double CPU ones.
    sample::cuda::MlpSampler<float> gpuf(space, data, gopt);
    const auto f = gpuf.sample(2024, 0, 128);
    int zero_f = 0;
    double worst_f = 0;
    for (std::size_t i = 0; i < 128; ++i) {
      zero_f += f.train_error[i] == 0.0;
      worst_f = std::max(worst_f, std::abs(f.test.mse[i] - c.test.mse[i]));
    }
    expect(zero_f == 128, "float: networks with zero training error (of 128)", zero_f);
    expect(worst_f < 1e-3, "float: max |test MSE - CPU double|", worst_f);
  } catch (const std::exception& e) {
    std::printf("FAIL: exception: %s\n", e.what());
    return 1;
  }
  std::printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
