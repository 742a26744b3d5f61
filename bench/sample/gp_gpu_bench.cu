// GPU benchmark of the GP hypothesis sampler: hypotheses per second on the GEMM-bound prediction
// path (MSE + argmax error) and the O(N_t k) eigenbasis path, in double and float, against the
// GPU's measured GEMM peak (a large cuBLAS GEMM) and copy bandwidth, and against the same
// sampler on 2 CPU threads. Prints "figure: name = value unit" lines that tools/gpu_check.sh
// collects. Usage: gp_gpu_bench [N_t] [k] [hypotheses]. Exit 77 without a GPU.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/cuda/gaussian_process.cuh"

using namespace genlab;
using Clock = std::chrono::steady_clock;

namespace {

sample::GpHypothesisSpace space(int nt, int k) {
  core::Philox4x32 g(1);
  Eigen::MatrixXd b(nt, nt);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = core::normal_double(g);
  sample::GpHypothesisSpace s;
  s.covariance = b * b.transpose() / nt + 0.05 * Eigen::MatrixXd::Identity(nt, nt);
  s.mean = Eigen::MatrixXd::Zero(nt, k);
  s.targets = Eigen::MatrixXd::Zero(nt, k);
  for (int r = 0; r < nt; ++r) s.targets(r, r % k) = 1.0;
  return s;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class Real>
double gemm_peak_tflops() {
  const int n = 8192;
  sample::cuda::DeviceBuffer<Real> a(std::size_t(n) * n), b(std::size_t(n) * n), c(std::size_t(n) * n);
  cudaMemset(a.data(), 0, a.size() * sizeof(Real));
  cudaMemset(b.data(), 0, b.size() * sizeof(Real));
  sample::cuda::Blas blas;
  sample::cuda::gemm(blas.get(), CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, Real(1), a.data(), n, b.data(), n, Real(0), c.data(), n);
  cudaDeviceSynchronize();
  const auto t0 = Clock::now();
  const int reps = 5;
  for (int r = 0; r < reps; ++r)
    sample::cuda::gemm(blas.get(), CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, Real(1), a.data(), n, b.data(), n, Real(0), c.data(), n);
  cudaDeviceSynchronize();
  return 2.0 * n * double(n) * n * reps / seconds_since(t0) / 1e12;
}

double copy_bandwidth_gbs() {
  const std::size_t bytes = std::size_t(1) << 30;
  sample::cuda::DeviceBuffer<char> a(bytes), b(bytes);
  cudaMemcpy(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice);
  cudaDeviceSynchronize();
  const auto t0 = Clock::now();
  for (int r = 0; r < 5; ++r) cudaMemcpy(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice);
  cudaDeviceSynchronize();
  return 2.0 * bytes * 5 / seconds_since(t0) / 1e9;  // bytes read + written
}

template <class Real>
double gpu_rate(const sample::GpFactor& f, std::uint64_t n, bool cls, sample::cuda::GpuOptions g = {},
                std::vector<double>* mse = nullptr) {
  sample::cuda::GpSampler<Real> s(f, g);
  sample::SampleOptions o;
  o.classification_error = cls;
  s.sample(1, 0, std::min<std::uint64_t>(n, s.tile_hypotheses()), o);  // warm-up
  const auto t0 = Clock::now();
  auto r = s.sample(2, 0, n, o);
  const double t = seconds_since(t0);
  if (mse) *mse = std::move(r.mse);
  return static_cast<double>(n) / t;
}

double cpu_rate(const sample::GpFactor& f, std::uint64_t n, bool cls, int threads) {
  sample::SampleOptions o;
  o.classification_error = cls;
  o.threads = threads;
  const auto t0 = Clock::now();
  const auto r = sample::sample_gp_losses(f, 2, 0, n, o);
  return static_cast<double>(r.mse.size()) / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  if (sample::cuda::device_count() == 0) {
    std::printf("SKIP: no CUDA device\n");
    return 77;
  }
  const int nt = argc > 1 ? std::atoi(argv[1]) : 1024;
  const int k = argc > 2 ? std::atoi(argv[2]) : 10;
  const std::uint64_t n = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 65536;
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  std::printf("device: %s, %d SMs; GP space N_t = %d, k = %d, %llu hypotheses\n", prop.name, prop.multiProcessorCount, nt,
              k, static_cast<unsigned long long>(n));
  const auto f = sample::factor_gp(space(nt, k));
  const double flop_per_h = 2.0 * nt * double(nt) * k;
  const double peak_d = gemm_peak_tflops<double>(), peak_s = gemm_peak_tflops<float>();
  std::printf("figure: cublas_dgemm_8192_tflops = %.2f TFLOP/s\n", peak_d);
  std::printf("figure: cublas_sgemm_8192_tflops = %.2f TFLOP/s\n", peak_s);
  std::printf("figure: d2d_copy_bandwidth = %.0f GB/s\n", copy_bandwidth_gbs());
  std::vector<double> mse_fp32, mse_tf32;
  sample::cuda::GpuOptions tf32;
  tf32.allow_tf32 = true;
  const double gd = gpu_rate<double>(f, n, true), gs = gpu_rate<float>(f, n, true, {}, &mse_fp32);
  const double gt = gpu_rate<float>(f, n, true, tf32, &mse_tf32);
  double tf32_diff = 0;
  for (std::size_t i = 0; i < mse_fp32.size(); ++i)
    tf32_diff = std::max(tf32_diff, std::abs(mse_tf32[i] - mse_fp32[i]) / mse_fp32[i]);
  std::printf("figure: gpu_gp_predict_double = %.4g hypotheses/s (%.2f TFLOP/s, %.0f%% of dgemm peak)\n", gd,
              gd * flop_per_h / 1e12, 100 * gd * flop_per_h / 1e12 / peak_d);
  std::printf("figure: gpu_gp_predict_float = %.4g hypotheses/s (%.2f TFLOP/s, %.0f%% of sgemm peak)\n", gs,
              gs * flop_per_h / 1e12, 100 * gs * flop_per_h / 1e12 / peak_s);
  std::printf("figure: gpu_gp_predict_float_tf32 = %.4g hypotheses/s (%.2f TFLOP/s; max rel MSE diff vs FP32 %.2g)\n", gt,
              gt * flop_per_h / 1e12, tf32_diff);
  const double ed = gpu_rate<double>(f, 4 * n, false), es = gpu_rate<float>(f, 4 * n, false);
  std::printf("figure: gpu_gp_eigen_mse_double = %.4g hypotheses/s (%.3g normals/s)\n", ed, ed * nt * k);
  std::printf("figure: gpu_gp_eigen_mse_float = %.4g hypotheses/s (%.3g normals/s)\n", es, es * nt * k);
  const std::uint64_t cpu_n = std::max<std::uint64_t>(64, static_cast<std::uint64_t>(2e9 / flop_per_h));
  const double cd = cpu_rate(f, cpu_n, true, 2), ce = cpu_rate(f, 16 * cpu_n, false, 2);
  std::printf("figure: cpu2_gp_predict_double = %.4g hypotheses/s (2 threads of this machine's CPU)\n", cd);
  std::printf("figure: cpu2_gp_eigen_mse_double = %.4g hypotheses/s\n", ce);
  std::printf("figure: ratio_gpu_vs_cpu2_predict_double = %.1f x\n", gd / cd);
  std::printf("figure: ratio_gpu_vs_cpu2_eigen_double = %.1f x\n", ed / ce);
  return 0;
}
