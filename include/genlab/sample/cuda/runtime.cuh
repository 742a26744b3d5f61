#ifndef GENLAB_SAMPLE_CUDA_RUNTIME_CUH
#define GENLAB_SAMPLE_CUDA_RUNTIME_CUH
// Small CUDA runtime helpers for the sample backend: error checks that throw, an owning device
// buffer, a cuBLAS handle, and the device query the tests use to skip without a GPU.
// nvcc-only (include from .cu files).

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace genlab::sample::cuda {

/// Throws std::runtime_error naming the call when a CUDA runtime call fails.
inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("genlab::sample::cuda: ") + what + ": " + cudaGetErrorString(e));
}
/// Throws std::runtime_error naming the call when a cuBLAS call fails.
inline void check(cublasStatus_t e, const char* what) {
  if (e != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("genlab::sample::cuda: ") + what + ": cuBLAS status " + std::to_string(int(e)));
}

/// Number of usable CUDA devices (0 when there is no GPU or no driver).
inline int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
}

/// Makes `device` current (throws if it does not exist) and returns it.
inline int select_device(int device) {
  check(cudaSetDevice(device), "cudaSetDevice");
  return device;
}

/// Owning device array of T.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) { resize(n); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), n_(o.n_) { o.ptr_ = nullptr, o.n_ = 0; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  void resize(std::size_t n) {
    if (n == n_) return;
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr;
    n_ = n;
    if (n) check(cudaMalloc(&ptr_, n * sizeof(T)), "cudaMalloc");
  }
  void upload(const T* host, std::size_t n) {
    resize(n);
    if (n) check(cudaMemcpy(ptr_, host, n * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy H2D");
  }
  void upload(const std::vector<T>& v) { upload(v.data(), v.size()); }
  void download(T* host, std::size_t n) const {
    if (n) check(cudaMemcpy(host, ptr_, n * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
  }
  std::vector<T> to_host() const {
    std::vector<T> v(n_);
    download(v.data(), n_);
    return v;
  }
  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  std::size_t size() const { return n_; }

 private:
  T* ptr_ = nullptr;
  std::size_t n_ = 0;
};

namespace detail {

/// Threads per block of the sample kernels (a power of two: block_sum halves it).
constexpr int kThreads = 256;

// Sum over the block in a fixed tree order (deterministic). All threads must call it.
template <class T>
__device__ T block_sum(T v, T* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int w = blockDim.x / 2; w > 0; w /= 2) {
    if (threadIdx.x < w) shared[threadIdx.x] += shared[threadIdx.x + w];
    __syncthreads();
  }
  const T r = shared[0];
  __syncthreads();
  return r;
}

}  // namespace detail

/// Owning cuBLAS handle.
class Blas {
 public:
  Blas() { check(cublasCreate(&h_), "cublasCreate"); }
  Blas(const Blas&) = delete;
  Blas& operator=(const Blas&) = delete;
  ~Blas() { cublasDestroy(h_); }
  cublasHandle_t get() const { return h_; }

 private:
  cublasHandle_t h_ = nullptr;
};

/// C = alpha op(A) op(B) + beta C, column-major, for float or double.
inline void gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, double alpha,
                 const double* a, int lda, const double* b, int ldb, double beta, double* c, int ldc) {
  check(cublasDgemm(h, ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc), "cublasDgemm");
}
inline void gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  check(cublasSgemm(h, ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc), "cublasSgemm");
}

/// Strided-batched GEMM: C_i = alpha op(A_i) op(B_i) + beta C_i for i < batch.
inline void gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                         double alpha, const double* a, int lda, long long sa, const double* b, int ldb, long long sb,
                         double beta, double* c, int ldc, long long sc, int batch) {
  check(cublasDgemmStridedBatched(h, ta, tb, m, n, k, &alpha, a, lda, sa, b, ldb, sb, &beta, c, ldc, sc, batch),
        "cublasDgemmStridedBatched");
}
inline void gemm_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                         float alpha, const float* a, int lda, long long sa, const float* b, int ldb, long long sb,
                         float beta, float* c, int ldc, long long sc, int batch) {
  check(cublasSgemmStridedBatched(h, ta, tb, m, n, k, &alpha, a, lda, sa, b, ldb, sb, &beta, c, ldc, sc, batch),
        "cublasSgemmStridedBatched");
}

}  // namespace genlab::sample::cuda

#endif  // GENLAB_SAMPLE_CUDA_RUNTIME_CUH
