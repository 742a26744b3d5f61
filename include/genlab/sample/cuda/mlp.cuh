#ifndef GENLAB_SAMPLE_CUDA_MLP_CUH
#define GENLAB_SAMPLE_CUDA_MLP_CUH
// The MLP hypothesis sampler of sample/mlp.hpp on an NVIDIA GPU: thousands of small networks
// trained at once, every layer of every network in one cublas<T>gemmStridedBatched call
// (forward, both backward products), small fused kernels for bias + ReLU, the MSE gradient,
// bias gradients and one Adam step over all parameters of all networks. nvcc-only.
//
// Same hypotheses as the CPU: network i's parameters are drawn from curand_init(seed, i, 0)'s
// words in sample/mlp.hpp's order (layer by layer, weight column-major then bias, each
// (2u − 1)/√fan_in with u = word·2⁻³² + 2⁻³², core::uniform_double's formula) — bit for bit
// the CPU's initial network in double. Training is the same full-batch Adam on the same MSE, so
// per-network losses match the CPU's to floating-point rounding (cuBLAS summation order, FMA);
// Real = float trains in float.
//
// Layout: networks are processed in tiles of `tile` networks aligned to absolute hypothesis
// indices (tile t = networks [t·tile, (t+1)·tile)), always whole, so every network goes through
// GEMMs of the same shapes wherever it is requested: shards merge bit for bit (same GPU model).
// In a tile, layer l's weights are one block of tile × (out_l × in_l) column-major matrices,
// its biases a block of tile × out_l; gradients and Adam moments mirror that layout, so the
// Adam step is one elementwise kernel. Activations are feature-major (out_l × n per network).

#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/sample/cuda/runtime.cuh"
#include "genlab/sample/loss_sample.hpp"
#include "genlab/sample/mlp.hpp"

namespace genlab::sample::cuda {

/// Device options of the MLP sampler: device ordinal and networks per tile (0 = auto: as many
/// as fit ~1 GiB of parameters, moments and activations, at most 4096).
struct MlpGpuOptions {
  int device = 0;
  std::size_t tile = 0;
};

namespace detail {

// Where layer l's blocks start in the flat per-tile parameter array.
struct MlpOffsets {
  std::vector<long long> weight, bias;
  long long total = 0;
};

inline MlpOffsets mlp_offsets(const std::vector<int>& sizes, long long tile) {
  MlpOffsets o;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    o.weight.push_back(o.total);
    o.total += tile * sizes[l] * sizes[l + 1];
    o.bias.push_back(o.total);
    o.total += tile * sizes[l + 1];
  }
  return o;
}

// One thread per network: draws its parameters from its own stream in sample/mlp.hpp's order.
template <class Real>
__global__ void mlp_init_kernel(unsigned long long seed, unsigned long long first, int tile, int layers,
                                const int* sizes, const long long* w_off, const long long* b_off, Real* params) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= tile) return;
  curandStatePhilox4_32_10_t s;
  curand_init(seed, first + j, 0, &s);
  constexpr double two_pow32_inv = 2.3283064365386963e-10;
  for (int l = 0; l < layers; ++l) {
    const int in = sizes[l], out = sizes[l + 1];
    const double bound = 1.0 / sqrt(static_cast<double>(in));
    Real* w = params + w_off[l] + static_cast<long long>(j) * in * out;
    Real* b = params + b_off[l] + static_cast<long long>(j) * out;
    for (int i = 0; i < in * out; ++i) w[i] = static_cast<Real>((2.0 * (curand(&s) * two_pow32_inv + two_pow32_inv) - 1.0) * bound);
    for (int i = 0; i < out; ++i) b[i] = static_cast<Real>((2.0 * (curand(&s) * two_pow32_inv + two_pow32_inv) - 1.0) * bound);
  }
}

// z[j][o + out e] += b[j][o], then ReLU unless this is the output layer.
template <class Real>
__global__ void mlp_bias_act_kernel(Real* z, const Real* b, int out, int n, long long total, bool relu) {
  const long long t = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const long long per = static_cast<long long>(out) * n;
  const long long j = t / per;
  const int o = static_cast<int>((t - j * per) % out);
  const Real v = z[t] + b[j * out + o];
  z[t] = relu ? (v > Real(0) ? v : Real(0)) : v;
}

// delta = (2 / (k n)) (output − Y), Y shared (k x n).
template <class Real>
__global__ void mlp_output_delta_kernel(const Real* out, const Real* y, int kn, long long total, Real scale, Real* delta) {
  const long long t = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  delta[t] = scale * (out[t] - y[t % kn]);
}

// grad_b[j][o] = Σ_e delta[j][o + out e].
template <class Real>
__global__ void mlp_bias_grad_kernel(const Real* delta, int out, int n, long long total, Real* grad_b) {
  const long long t = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const long long j = t / out;
  const int o = static_cast<int>(t - j * out);
  const Real* d = delta + j * static_cast<long long>(out) * n + o;
  Real s = Real(0);
  for (int e = 0; e < n; ++e) s += d[static_cast<long long>(e) * out];
  grad_b[t] = s;
}

// back ⊙ [activation > 0] (ReLU'(pre) = [relu(pre) > 0]), in place.
template <class Real>
__global__ void mlp_relu_mask_kernel(Real* back, const Real* act, long long total) {
  const long long t = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  if (!(act[t] > Real(0))) back[t] = Real(0);
}

// One Adam step over every parameter of every network (sample/mlp.hpp's mlp_train formula).
template <class Real>
__global__ void mlp_adam_kernel(Real* p, Real* m, Real* v, const Real* g, long long total, Real lr, Real beta1,
                                Real beta2, Real eps, Real bias1, Real bias2) {
  const long long t = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const Real gt = g[t];
  const Real mt = beta1 * m[t] + (Real(1) - beta1) * gt;
  const Real vt = beta2 * v[t] + (Real(1) - beta2) * (gt * gt);
  m[t] = mt;
  v[t] = vt;
  p[t] -= lr * (mt / bias1) / (sqrt(vt / bias2) + eps);
}

// Per network (one block each): MSE over k x n outputs and the argmax error over the n columns.
template <class Real>
__global__ void mlp_losses_kernel(const Real* out, const Real* y, const int* labels, int k, int n, double* mse,
                                  double* error) {
  __shared__ double sh[kThreads];
  __shared__ int shi[kThreads];
  const Real* o = out + static_cast<long long>(blockIdx.x) * k * n;
  double sq = 0.0;
  int wrong = 0;
  for (int e = threadIdx.x; e < n; e += blockDim.x) {
    int best = 0;
    for (int c = 0; c < k; ++c) {
      const double diff = static_cast<double>(o[e * k + c]) - static_cast<double>(y[e * k + c]);
      sq += diff * diff;
      if (o[e * k + c] > o[e * k + best]) best = c;
    }
    wrong += best != labels[e];
  }
  sq = block_sum(sq, sh);
  wrong = block_sum(wrong, shi);
  if (threadIdx.x == 0) {
    mse[blockIdx.x] = sq / (static_cast<double>(k) * n);
    error[blockIdx.x] = k >= 2 ? static_cast<double>(wrong) / n : 0.0;
  }
}

inline unsigned grid_for(long long total) { return static_cast<unsigned>((total + kThreads - 1) / kThreads); }

template <class Real>
std::vector<Real> columns_of(const Eigen::MatrixXd& rows_are_examples) {
  const Eigen::MatrixXd t = rows_are_examples.transpose();  // features x examples, column-major
  std::vector<Real> v(static_cast<std::size_t>(t.size()));
  for (Eigen::Index i = 0; i < t.size(); ++i) v[static_cast<std::size_t>(i)] = static_cast<Real>(t.data()[i]);
  return v;
}

inline std::vector<int> labels_of(const Eigen::MatrixXd& targets) {  // first maximum of each row
  std::vector<int> l(static_cast<std::size_t>(targets.rows()));
  for (Eigen::Index r = 0; r < targets.rows(); ++r) {
    Eigen::Index c;
    targets.row(r).maxCoeff(&c);
    l[static_cast<std::size_t>(r)] = static_cast<int>(c);
  }
  return l;
}

}  // namespace detail

/// MLP hypothesis sampler on one GPU (Real = double or float arithmetic; losses reported in
/// double). Construction validates the space and data and uploads the data (O(n d + n k)) and
/// allocates one tile's buffers: O(tile · (4 params + Σ_l width_l · n)) device memory.
template <class Real = double>
class MlpSampler {
  static_assert(std::is_same<Real, double>::value || std::is_same<Real, float>::value, "MlpSampler<float|double>");

 public:
  MlpSampler(const MlpSpace& space, const MlpData& data, MlpGpuOptions options = {})
      : space_((space.validate(), space)), options_(options), device_(select_device(options.device)) {
    data.validate();
    n_train_ = static_cast<int>(data.train_inputs.rows());
    n_test_ = static_cast<int>(data.test_inputs.rows());
    sizes_ = mlp_layer_sizes(space, static_cast<int>(data.train_inputs.cols()), static_cast<int>(data.train_targets.cols()));
    const long long n_max = std::max(n_train_, n_test_);
    long long params = 0, acts = 0, widest = 0;
    for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
      params += static_cast<long long>(sizes_[l]) * sizes_[l + 1] + sizes_[l + 1];
      acts += sizes_[l + 1] * n_max;
      widest = std::max<long long>(widest, sizes_[l + 1]);
    }
    const double bytes_per_network = sizeof(Real) * (4.0 * params + acts + 2.0 * widest * n_max);
    tile_ = options.tile ? options.tile
                         : static_cast<std::size_t>(std::clamp(1024.0 * 1024 * 1024 / bytes_per_network, 1.0, 4096.0));
    const long long tile = static_cast<long long>(tile_);
    offsets_ = detail::mlp_offsets(sizes_, tile);
    sizes_d_.upload(sizes_);
    w_off_d_.upload(offsets_.weight);
    b_off_d_.upload(offsets_.bias);
    params_.resize(static_cast<std::size_t>(offsets_.total));
    grads_.resize(params_.size());
    m_.resize(params_.size());
    v_.resize(params_.size());
    acts_.resize(sizes_.size() - 1);
    for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) acts_[l].resize(static_cast<std::size_t>(tile * sizes_[l + 1] * n_max));
    delta_.resize(static_cast<std::size_t>(tile * widest * n_max));
    back_.resize(delta_.size());
    x_train_.upload(detail::columns_of<Real>(data.train_inputs));
    y_train_.upload(detail::columns_of<Real>(data.train_targets));
    x_test_.upload(detail::columns_of<Real>(data.test_inputs));
    y_test_.upload(detail::columns_of<Real>(data.test_targets));
    labels_train_.upload(detail::labels_of(data.train_targets));
    labels_test_.upload(detail::labels_of(data.test_targets));
    mse_.resize(tile_);
    err_.resize(tile_);
  }

  /// Networks per tile (the batch count of every strided-batched GEMM).
  std::size_t tile_networks() const { return tile_; }

  /// Draws and trains hypotheses [begin, end) under `seed` and scores them, as
  /// sample::sample_mlp_losses (options.threads/block unused; whole tiles are trained, so a
  /// request costs at least one tile). O(tiles · epochs · n · params) on the GPU.
  MlpLossSample sample(std::uint64_t seed, std::uint64_t begin, std::uint64_t end, const SampleOptions& options = {}) {
    constexpr const char* where = "genlab::sample::cuda::MlpSampler::sample";
    core::require(begin <= end, where, "end", end, ">= begin = " + std::to_string(begin));
    check(cudaSetDevice(options_.device), "cudaSetDevice");
    const int k = sizes_.back();
    const bool cls = options.classification_error && k >= 2;
    MlpLossSample out;
    out.test.seed = seed, out.test.begin = begin, out.test.end = end;
    const std::size_t n = static_cast<std::size_t>(end - begin);
    out.test.mse.assign(n, 0.0);
    out.train_mse.assign(n, 0.0);
    out.train_error.assign(n, 0.0);
    if (cls) out.test.error.assign(n, 0.0);
    if (n == 0) return out;
    std::vector<double> mse(tile_), err(tile_);
    for (std::uint64_t t = begin / tile_; t * tile_ < end; ++t) {
      const std::uint64_t first = t * tile_;
      const std::uint64_t h0 = std::max(begin, first), h1 = std::min<std::uint64_t>(end, first + tile_);
      train_tile(seed, first);
      // Training-set losses, then test-set losses, of the trained networks.
      forward(x_train_.data(), n_train_);
      score(y_train_.data(), labels_train_.data(), n_train_, mse, err);
      for (std::uint64_t h = h0; h < h1; ++h) {
        out.train_mse[h - begin] = mse[h - first];
        out.train_error[h - begin] = err[h - first];
      }
      forward(x_test_.data(), n_test_);
      score(y_test_.data(), labels_test_.data(), n_test_, mse, err);
      for (std::uint64_t h = h0; h < h1; ++h) {
        out.test.mse[h - begin] = mse[h - first];
        if (cls) out.test.error[h - begin] = err[h - first];
      }
    }
    return out;
  }

  /// Network `index`'s parameters as drawn on the GPU before training (for tests: equal to
  /// sample::mlp_init(space, d, k, seed, index) bit for bit in double). Initializes its tile.
  Mlp initial_network(std::uint64_t seed, std::uint64_t index) {
    check(cudaSetDevice(options_.device), "cudaSetDevice");
    const std::uint64_t first = index - index % tile_;
    init_tile(seed, first);
    return download_network(static_cast<long long>(index - first));
  }

 private:
  void init_tile(std::uint64_t seed, std::uint64_t first) {
    const int tile = static_cast<int>(tile_);
    detail::mlp_init_kernel<Real><<<detail::grid_for(tile), detail::kThreads>>>(
        seed, first, tile, static_cast<int>(sizes_.size() - 1), sizes_d_.data(), w_off_d_.data(), b_off_d_.data(),
        params_.data());
    check(cudaGetLastError(), "mlp_init_kernel launch");
  }

  Mlp download_network(long long j) {
    const std::vector<Real> p = params_.to_host();
    Mlp m;
    for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
      const int in = sizes_[l], out = sizes_[l + 1];
      Eigen::MatrixXd w(out, in);
      Eigen::VectorXd b(out);
      for (Eigen::Index i = 0; i < w.size(); ++i)
        w.data()[i] = static_cast<double>(p[static_cast<std::size_t>(offsets_.weight[l] + j * in * out + i)]);
      for (Eigen::Index i = 0; i < b.size(); ++i)
        b[i] = static_cast<double>(p[static_cast<std::size_t>(offsets_.bias[l] + j * out + i)]);
      m.weights.push_back(std::move(w));
      m.biases.push_back(std::move(b));
    }
    return m;
  }

  // Forward pass of the whole tile on x (d x n, shared): acts_[l] = layer l's output.
  void forward(const Real* x, int n) {
    const int tile = static_cast<int>(tile_);
    const std::size_t layers = sizes_.size() - 1;
    const Real* a = x;
    long long a_stride = 0;  // the inputs are the same matrix for every network
    for (std::size_t l = 0; l < layers; ++l) {
      const int in = sizes_[l], out = sizes_[l + 1];
      Real* z = acts_[l].data();
      gemm_batched(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_N, out, n, in, Real(1), params_.data() + offsets_.weight[l], out,
                   static_cast<long long>(out) * in, a, in, a_stride, Real(0), z, out, static_cast<long long>(out) * n, tile);
      const long long total = static_cast<long long>(tile) * out * n;
      detail::mlp_bias_act_kernel<Real><<<detail::grid_for(total), detail::kThreads>>>(
          z, params_.data() + offsets_.bias[l], out, n, total, l + 1 < layers);
      check(cudaGetLastError(), "mlp_bias_act_kernel launch");
      a = z;
      a_stride = static_cast<long long>(out) * n;
    }
  }

  // Init, then space_.epochs full-batch Adam steps on the training MSE, for the whole tile.
  void train_tile(std::uint64_t seed, std::uint64_t first) {
    init_tile(seed, first);
    if (space_.epochs == 0) return;
    const int tile = static_cast<int>(tile_), n = n_train_, k = sizes_.back();
    const std::size_t layers = sizes_.size() - 1;
    const long long total = offsets_.total;
    check(cudaMemset(m_.data(), 0, m_.size() * sizeof(Real)), "cudaMemset");
    check(cudaMemset(v_.data(), 0, v_.size() * sizeof(Real)), "cudaMemset");
    double b1t = 1.0, b2t = 1.0;
    for (int epoch = 0; epoch < space_.epochs; ++epoch) {
      forward(x_train_.data(), n);
      const long long outs = static_cast<long long>(tile) * k * n;
      detail::mlp_output_delta_kernel<Real><<<detail::grid_for(outs), detail::kThreads>>>(
          acts_[layers - 1].data(), y_train_.data(), k * n, outs, static_cast<Real>(2.0 / (static_cast<double>(k) * n)),
          delta_.data());
      check(cudaGetLastError(), "mlp_output_delta_kernel launch");
      Real* delta = delta_.data();
      Real* back = back_.data();
      for (std::size_t l = layers; l-- > 0;) {
        const int in = sizes_[l], out = sizes_[l + 1];
        const Real* a = l == 0 ? x_train_.data() : acts_[l - 1].data();
        const long long a_stride = l == 0 ? 0 : static_cast<long long>(in) * n;
        // grad_W = delta Aᵀ (out x in), grad_b = row sums of delta.
        gemm_batched(blas_.get(), CUBLAS_OP_N, CUBLAS_OP_T, out, in, n, Real(1), delta, out, static_cast<long long>(out) * n,
                     a, in, a_stride, Real(0), grads_.data() + offsets_.weight[l], out, static_cast<long long>(out) * in, tile);
        const long long nb = static_cast<long long>(tile) * out;
        detail::mlp_bias_grad_kernel<Real><<<detail::grid_for(nb), detail::kThreads>>>(delta, out, n, nb,
                                                                                      grads_.data() + offsets_.bias[l]);
        check(cudaGetLastError(), "mlp_bias_grad_kernel launch");
        if (l > 0) {
          // delta_{l−1} = (Wᵀ delta) ⊙ ReLU'(layer l−1).
          gemm_batched(blas_.get(), CUBLAS_OP_T, CUBLAS_OP_N, in, n, out, Real(1), params_.data() + offsets_.weight[l], out,
                       static_cast<long long>(out) * in, delta, out, static_cast<long long>(out) * n, Real(0), back, in,
                       static_cast<long long>(in) * n, tile);
          const long long na = static_cast<long long>(tile) * in * n;
          detail::mlp_relu_mask_kernel<Real><<<detail::grid_for(na), detail::kThreads>>>(back, acts_[l - 1].data(), na);
          check(cudaGetLastError(), "mlp_relu_mask_kernel launch");
          std::swap(delta, back);
        }
      }
      b1t *= space_.beta1;
      b2t *= space_.beta2;
      detail::mlp_adam_kernel<Real><<<detail::grid_for(total), detail::kThreads>>>(
          params_.data(), m_.data(), v_.data(), grads_.data(), total, static_cast<Real>(space_.learning_rate),
          static_cast<Real>(space_.beta1), static_cast<Real>(space_.beta2), static_cast<Real>(space_.adam_eps),
          static_cast<Real>(1.0 - b1t), static_cast<Real>(1.0 - b2t));
      check(cudaGetLastError(), "mlp_adam_kernel launch");
    }
  }

  // MSE and argmax error of every network of the tile from the last forward pass.
  void score(const Real* y, const int* labels, int n, std::vector<double>& mse, std::vector<double>& err) {
    detail::mlp_losses_kernel<Real><<<static_cast<unsigned>(tile_), detail::kThreads>>>(
        acts_.back().data(), y, labels, sizes_.back(), n, mse_.data(), err_.data());
    check(cudaGetLastError(), "mlp_losses_kernel launch");
    mse_.download(mse.data(), tile_);
    err_.download(err.data(), tile_);
  }

  MlpSpace space_;
  MlpGpuOptions options_;
  int device_;  // set before the cuBLAS handle is made, so it lives on that device
  int n_train_ = 0, n_test_ = 0;
  std::vector<int> sizes_;
  std::size_t tile_ = 1;
  detail::MlpOffsets offsets_;
  Blas blas_;
  DeviceBuffer<int> sizes_d_, labels_train_, labels_test_;
  DeviceBuffer<long long> w_off_d_, b_off_d_;
  DeviceBuffer<Real> params_, grads_, m_, v_, delta_, back_, x_train_, y_train_, x_test_, y_test_;
  std::vector<DeviceBuffer<Real>> acts_;
  DeviceBuffer<double> mse_, err_;
};

/// One-call form: sample::sample_mlp_losses on the GPU.
template <class Real = double>
MlpLossSample sample_mlp_losses(const MlpSpace& space, const MlpData& data, std::uint64_t seed, std::uint64_t begin,
                                std::uint64_t end, const SampleOptions& options = {}, MlpGpuOptions gpu = {}) {
  return MlpSampler<Real>(space, data, gpu).sample(seed, begin, end, options);
}

}  // namespace genlab::sample::cuda

#endif  // GENLAB_SAMPLE_CUDA_MLP_CUH
