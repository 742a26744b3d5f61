#ifndef GENLAB_SAMPLE_CUDA_GAUSSIAN_PROCESS_CUH
#define GENLAB_SAMPLE_CUDA_GAUSSIAN_PROCESS_CUH
// The GP posterior sampler of sample/gaussian_process.hpp on an NVIDIA GPU: cuRAND's Philox
// device API for the noise, cuBLAS for F = μ + A Z, fused kernels for the losses. nvcc-only.
//
// Same hypotheses as the CPU: hypothesis i's Z is curand_normal_double (Real = double) or
// curand_normal (Real = float) drawn after curand_init(seed, i, 0, &s) — in double the very
// values of genlab::sample::fill_normals(seed, i, double*), to a few ulp (the GPU's log/sincos),
// in float those of fill_normals(seed, i, float*). Work inside a hypothesis is split across
// threads with curand_init's offset (4 words per double pair, 2 per float pair), which cuRAND
// makes O(1) for Philox.
//
// Determinism: GEMMs always have the shape N_t x N_t times N_t x (tile·k), tiles aligned to
// absolute hypothesis indices, reductions in a fixed order, so a hypothesis's losses do not
// depend on the range it was sampled in (for a given tile size and GPU model).

#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/sample/cuda/runtime.cuh"
#include "genlab/sample/gaussian_process.hpp"

namespace genlab::sample::cuda {

/// Device options. tile: hypotheses per GEMM (0 = auto: about 8192 GEMM columns, capped so Z
/// and G take at most ~1 GiB); device: CUDA device ordinal; allow_tf32: let the float GEMM run
/// on the tensor cores in TF32 (10-bit mantissa products, FP32 accumulation: several times the
/// FP32 rate, MSE off by ~1e-3 relative). Off by default, as in PyTorch
/// (torch.backends.cuda.matmul.allow_tf32 = False); no effect for double.
struct GpuOptions {
  int device = 0;
  std::size_t tile = 0;
  bool allow_tf32 = false;
};

namespace detail {

template <class Real>
struct Draw;
template <>
struct Draw<double> {
  static constexpr unsigned long long kWordsPerPair = 4;
  __device__ static double normal(curandStatePhilox4_32_10_t* s) { return curand_normal_double(s); }
};
template <>
struct Draw<float> {
  static constexpr unsigned long long kWordsPerPair = 2;
  __device__ static float normal(curandStatePhilox4_32_10_t* s) { return curand_normal(s); }
};

// Calls f(j, z) for the normals j in this thread's contiguous chunk of hypothesis h's first n.
template <class Real, class F>
__device__ void for_my_normals(unsigned long long seed, unsigned long long h, long long n, F&& f) {
  const long long pairs = (n + 1) / 2;
  const long long chunk = (pairs + blockDim.x - 1) / blockDim.x;
  const long long p0 = chunk * threadIdx.x, p1 = p0 + chunk < pairs ? p0 + chunk : pairs;
  if (p0 >= p1) return;
  curandStatePhilox4_32_10_t s;
  curand_init(seed, h, Draw<Real>::kWordsPerPair * static_cast<unsigned long long>(p0), &s);
  for (long long p = p0; p < p1; ++p) {
    const Real a = Draw<Real>::normal(&s);
    const Real b = Draw<Real>::normal(&s);  // the Box–Muller spare: no words drawn
    f(2 * p, a);
    if (2 * p + 1 < n) f(2 * p + 1, b);
  }
}

// Z for the hypotheses of one tile: block j fills columns [j k, (j+1) k) of z (N_t x tile·k).
template <class Real>
__global__ void gp_normals_kernel(unsigned long long seed, unsigned long long tile_first, int valid_begin,
                                  int valid_end, long long n, Real* z) {
  const int j = blockIdx.x;
  Real* zj = z + static_cast<long long>(j) * n;
  if (j < valid_begin || j >= valid_end) {
    for (long long q = threadIdx.x; q < n; q += blockDim.x) zj[q] = Real(0);
    return;
  }
  for_my_normals<Real>(seed, tile_first + j, n, [&](long long q, Real v) { zj[q] = v; });
}

// MSE and argmax error of each hypothesis of the tile from G = A Z.
template <class Real>
__global__ void gp_losses_kernel(const Real* g, const Real* mean, const Real* residual, const int* labels, int nt,
                                 int k, int valid_begin, double* mse, double* error) {
  __shared__ double sh[kThreads];
  __shared__ int shi[kThreads];
  const int j = valid_begin + blockIdx.x;
  const Real* gj = g + static_cast<long long>(j) * k * nt;
  double sq = 0.0;
  int wrong = 0;
  for (int r = threadIdx.x; r < nt; r += blockDim.x) {
    int best = 0;
    Real best_v = Real(0);
    for (int c = 0; c < k; ++c) {
      const Real gv = gj[static_cast<long long>(c) * nt + r];
      const double e = static_cast<double>(gv + residual[c * nt + r]);
      sq += e * e;
      const Real f = gv + mean[c * nt + r];
      if (c == 0 || f > best_v) best = c, best_v = f;
    }
    wrong += best != labels[r];
  }
  sq = block_sum(sq, sh);
  wrong = block_sum(wrong, shi);
  if (threadIdx.x == 0) {
    mse[blockIdx.x] = sq / (static_cast<double>(nt) * k);
    if (error) error[blockIdx.x] = static_cast<double>(wrong) / nt;
  }
}

// Eigenbasis MSE, fused with the draws: Σ (√λ_i z_ic + d_ic)² / (N_t k), no Z in memory.
template <class Real>
__global__ void gp_eigen_losses_kernel(unsigned long long seed, unsigned long long first, const Real* sqrt_lambda,
                                       const Real* rotated, int nt, int k, double* mse) {
  __shared__ double sh[kThreads];
  const long long n = static_cast<long long>(nt) * k;
  double sq = 0.0;
  for_my_normals<Real>(seed, first + blockIdx.x, n, [&](long long q, Real z) {
    const int i = static_cast<int>(q % nt);
    const double e = static_cast<double>(sqrt_lambda[i] * z + rotated[q]);
    sq += e * e;
  });
  sq = block_sum(sq, sh);
  if (threadIdx.x == 0) mse[blockIdx.x] = sq / static_cast<double>(n);
}

template <class Real>
std::vector<Real> to_real(const Eigen::MatrixXd& m) {
  std::vector<Real> v(static_cast<std::size_t>(m.size()));
  for (Eigen::Index i = 0; i < m.size(); ++i) v[static_cast<std::size_t>(i)] = static_cast<Real>(m.data()[i]);
  return v;
}

}  // namespace detail

/// GP posterior hypothesis sampler on one GPU, in Real = double or float arithmetic (losses are
/// accumulated in double either way). Construction uploads the factor (O(N_t²)).
template <class Real = double>
class GpSampler {
  static_assert(std::is_same<Real, double>::value || std::is_same<Real, float>::value, "GpSampler<float|double>");

 public:
  explicit GpSampler(const GpFactor& f, GpuOptions options = {})
      : options_(options), device_(select_device(options.device)), nt_(f.test_points()), k_(f.outputs()) {
    const long long cols_target = 8192;
    tile_ = options.tile ? options.tile : static_cast<std::size_t>(std::max<long long>(1, cols_target / k_));
    const double bytes = 2.0 * nt_ * k_ * static_cast<double>(tile_) * sizeof(Real);
    if (!options.tile && bytes > 1024.0 * 1024 * 1024)
      tile_ = std::max<std::size_t>(1, static_cast<std::size_t>(tile_ * (1024.0 * 1024 * 1024) / bytes));
    a_.upload(detail::to_real<Real>(f.factor));
    sqrt_lambda_.upload(detail::to_real<Real>(f.sqrt_eigenvalues));
    rotated_.upload(detail::to_real<Real>(f.rotated_residual));
    mean_.upload(detail::to_real<Real>(f.mean));
    residual_.upload(detail::to_real<Real>(f.residual));
    labels_.upload(f.target_labels);
    if (std::is_same<Real, float>::value && options.allow_tf32)
      check(cublasSetMathMode(blas_.get(), CUBLAS_TF32_TENSOR_OP_MATH), "cublasSetMathMode(TF32)");
    // Losses stay on the device for up to `capacity_` hypotheses between downloads, so the GPU
    // is not idled by a synchronous copy after every tile.
    capacity_ = std::max<std::size_t>(tile_, std::size_t{1} << 16);
    mse_.resize(capacity_);
    err_.resize(capacity_);
  }

  std::size_t tile_hypotheses() const { return tile_; }

  /// Losses of hypotheses [begin, end), as sample_gp_losses (options.threads/block unused).
  /// Prediction path: 2 N_t² k flops per hypothesis in cuBLAS; eigenbasis path: O(N_t k).
  LossSample sample(std::uint64_t seed, std::uint64_t begin, std::uint64_t end, const SampleOptions& options = {}) {
    constexpr const char* where = "genlab::sample::cuda::GpSampler::sample";
    core::require(begin <= end, where, "end", end, ">= begin = " + std::to_string(begin));
    if (options.classification_error)
      core::require(k_ >= 2, where, "outputs (k)", k_,
                    ">= 2 for classification error; set options.classification_error = false for regression");
    check(cudaSetDevice(options_.device), "cudaSetDevice");
    LossSample out;
    out.seed = seed, out.begin = begin, out.end = end;
    const std::size_t n = static_cast<std::size_t>(end - begin);
    out.mse.assign(n, 0.0);
    if (options.classification_error) out.error.assign(n, 0.0);
    if (n == 0) return out;
    const int nt = static_cast<int>(nt_), k = static_cast<int>(k_);
    if (!options.classification_error) {
      for (std::uint64_t h0 = begin; h0 < end; h0 += capacity_) {
        const std::uint64_t h1 = std::min<std::uint64_t>(end, h0 + capacity_);
        detail::gp_eigen_losses_kernel<Real><<<static_cast<unsigned>(h1 - h0), detail::kThreads>>>(
            seed, h0, sqrt_lambda_.data(), rotated_.data(), nt, k, mse_.data());
        check(cudaGetLastError(), "gp_eigen_losses_kernel launch");
        mse_.download(out.mse.data() + (h0 - begin), static_cast<std::size_t>(h1 - h0));
      }
      return out;
    }
    const long long cols = static_cast<long long>(tile_) * k;
    z_.resize(static_cast<std::size_t>(cols * nt));
    g_.resize(static_cast<std::size_t>(cols * nt));
    std::size_t done = 0, pending = 0;  // losses downloaded / waiting on the device
    for (std::uint64_t t = begin / tile_; t * tile_ < end; ++t) {
      const std::uint64_t first = t * tile_;
      const int vb = static_cast<int>(std::max(begin, first) - first);
      const int ve = static_cast<int>(std::min<std::uint64_t>(end, first + tile_) - first);
      detail::gp_normals_kernel<Real><<<static_cast<unsigned>(tile_), detail::kThreads>>>(
          seed, first, vb, ve, static_cast<long long>(nt) * k, z_.data());
      check(cudaGetLastError(), "gp_normals_kernel launch");
      gemm(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, nt, static_cast<int>(cols), nt, Real(1), a_.data(), nt, z_.data(), nt,
           Real(0), g_.data(), nt);
      detail::gp_losses_kernel<Real><<<static_cast<unsigned>(ve - vb), detail::kThreads>>>(
          g_.data(), mean_.data(), residual_.data(), labels_.data(), nt, k, vb, mse_.data() + pending,
          err_.data() + pending);
      check(cudaGetLastError(), "gp_losses_kernel launch");
      pending += static_cast<std::size_t>(ve - vb);
      if (pending + tile_ > capacity_ || (t + 1) * tile_ >= end) {
        mse_.download(out.mse.data() + done, pending);
        err_.download(out.error.data() + done, pending);
        done += pending;
        pending = 0;
      }
    }
    return out;
  }

 private:
  GpuOptions options_;
  int device_;  // set before the cuBLAS handle is made, so it lives on that device
  Eigen::Index nt_, k_;
  std::size_t tile_ = 1, capacity_ = 1;
  Blas blas_;
  DeviceBuffer<Real> a_, sqrt_lambda_, rotated_, mean_, residual_, z_, g_;
  DeviceBuffer<int> labels_;
  DeviceBuffer<double> mse_, err_;
};

/// One-call form: factor on the CPU, sample on the GPU.
template <class Real = double>
LossSample sample_gp_losses(const GpHypothesisSpace& space, std::uint64_t seed, std::uint64_t begin,
                            std::uint64_t end, const SampleOptions& options = {}, GpuOptions gpu = {}) {
  return GpSampler<Real>(factor_gp(space), gpu).sample(seed, begin, end, options);
}

}  // namespace genlab::sample::cuda

#endif  // GENLAB_SAMPLE_CUDA_GAUSSIAN_PROCESS_CUH
