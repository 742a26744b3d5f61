// The CPU Philox stream equals cuRAND's on a real GPU, word for word.
//
// For a grid of (seed, subsequence, offset) triples, a kernel runs curand_init + curand() and
// returns the words; the host recomputes them with genlab::core::Philox4x32 and compares. Also
// compares curand_uniform / curand_uniform_double bit for bit and curand_normal(_double) to a
// tolerance (the device evaluates log/sin/cos with its own intrinsics).
// Exit codes: 0 pass, 77 no GPU (skipped), 1 mismatch.
#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <vector>

#include "genlab/core/random.hpp"

namespace {

constexpr int kWords = 67;  // not a multiple of 4: exercises the word index within a block

struct Triple {
  unsigned long long seed, subsequence, offset;
};

__global__ void draw(const Triple* triples, int n, unsigned* words, float* uf, double* ud, float* nf, double* nd) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= n) return;
  curandStatePhilox4_32_10_t s;
  curand_init(triples[t].seed, triples[t].subsequence, triples[t].offset, &s);
  for (int k = 0; k < kWords; ++k) words[t * kWords + k] = curand(&s);
  curand_init(triples[t].seed, triples[t].subsequence, triples[t].offset, &s);
  for (int k = 0; k < 8; ++k) uf[t * 8 + k] = curand_uniform(&s);
  for (int k = 0; k < 8; ++k) ud[t * 8 + k] = curand_uniform_double(&s);
  for (int k = 0; k < 8; ++k) nf[t * 8 + k] = curand_normal(&s);
  for (int k = 0; k < 8; ++k) nd[t * 8 + k] = curand_normal_double(&s);
}

}  // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("SKIP: no CUDA device\n");
    return 77;
  }
  std::vector<Triple> triples;
  for (unsigned long long seed : {0ULL, 1ULL, 2026ULL, 0xdeadbeefcafef00dULL})
    for (unsigned long long sub : {0ULL, 1ULL, 7ULL, 1ULL << 33, 0xffffffffffffffffULL})
      for (unsigned long long off : {0ULL, 1ULL, 3ULL, 4ULL, 1001ULL, (1ULL << 34) + 2})
        triples.push_back({seed, sub, off});
  const int n = static_cast<int>(triples.size());

  Triple* d_triples;
  unsigned* d_words;
  float *d_uf, *d_nf;
  double *d_ud, *d_nd;
  cudaMalloc(&d_triples, n * sizeof(Triple));
  cudaMalloc(&d_words, n * kWords * sizeof(unsigned));
  cudaMalloc(&d_uf, n * 8 * sizeof(float));
  cudaMalloc(&d_nf, n * 8 * sizeof(float));
  cudaMalloc(&d_ud, n * 8 * sizeof(double));
  cudaMalloc(&d_nd, n * 8 * sizeof(double));
  cudaMemcpy(d_triples, triples.data(), n * sizeof(Triple), cudaMemcpyHostToDevice);
  draw<<<(n + 63) / 64, 64>>>(d_triples, n, d_words, d_uf, d_ud, d_nf, d_nd);
  if (cudaDeviceSynchronize() != cudaSuccess) {
    std::printf("FAIL: kernel error %s\n", cudaGetErrorString(cudaGetLastError()));
    return 1;
  }
  std::vector<unsigned> words(n * kWords);
  std::vector<float> uf(n * 8), nf(n * 8);
  std::vector<double> ud(n * 8), nd(n * 8);
  cudaMemcpy(words.data(), d_words, words.size() * sizeof(unsigned), cudaMemcpyDeviceToHost);
  cudaMemcpy(uf.data(), d_uf, uf.size() * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(ud.data(), d_ud, ud.size() * sizeof(double), cudaMemcpyDeviceToHost);
  cudaMemcpy(nf.data(), d_nf, nf.size() * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(nd.data(), d_nd, nd.size() * sizeof(double), cudaMemcpyDeviceToHost);

  long word_mismatch = 0, uniform_mismatch = 0;
  double max_nf = 0, max_nd = 0;
  for (int t = 0; t < n; ++t) {
    genlab::core::Philox4x32 g(triples[t].seed, triples[t].subsequence, triples[t].offset);
    for (int k = 0; k < kWords; ++k) word_mismatch += g() != words[t * kWords + k];
    genlab::core::Philox4x32 h(triples[t].seed, triples[t].subsequence, triples[t].offset);
    for (int k = 0; k < 8; ++k) uniform_mismatch += genlab::core::uniform_float(h) != uf[t * 8 + k];
    for (int k = 0; k < 8; ++k) uniform_mismatch += genlab::core::uniform_double(h) != ud[t * 8 + k];
    for (int k = 0; k < 8; ++k) max_nf = std::fmax(max_nf, std::fabs(genlab::core::normal_float(h) - nf[t * 8 + k]));
    for (int k = 0; k < 8; ++k) max_nd = std::fmax(max_nd, std::fabs(genlab::core::normal_double(h) - nd[t * 8 + k]));
  }
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  std::printf("device: %s; %d streams x %d words\n", prop.name, n, kWords);
  std::printf("32-bit words differing: %ld of %d\n", word_mismatch, n * kWords);
  std::printf("uniform float/double differing: %ld of %d\n", uniform_mismatch, n * 16);
  std::printf("max |normal_float - curand_normal| = %.3g, max |normal_double - curand_normal_double| = %.3g\n",
              max_nf, max_nd);
  const bool ok = word_mismatch == 0 && uniform_mismatch == 0 && max_nf < 1e-4 && max_nd < 1e-12;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
