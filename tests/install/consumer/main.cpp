// A user program. Built against the installed package (find_package) it includes the umbrella
// header, so every installed header must be there and compile; as a subproject it includes what
// it uses. Either way it checks one known answer and one matrix product, which links against the
// BLAS backend when genlab was configured with one (genlab::openblas travels with genlab::genlab).
#if defined(GENLAB_CONSUMER_UMBRELLA)
#include <genlab/genlab.hpp>
#else
#include <genlab/core/philox.hpp>
#include <genlab/version.hpp>
#endif

#include <Eigen/Core>

#include <cstdio>

int main() {
  genlab::core::Philox4x32 rng(0);   // Random123 known answer for key (0,0), counter 0
  const unsigned first = rng();
  // A product large enough for Eigen to call GEMM (dgemm_ under EIGEN_USE_BLAS): 2·I·J = 2J.
  const Eigen::MatrixXd a = 2.0 * Eigen::MatrixXd::Identity(64, 64), b = Eigen::MatrixXd::Ones(64, 64);
  const double sum = (a * b).sum();
#if defined(EIGEN_USE_BLAS)
  const char* backend = "OpenBLAS";
#else
  const char* backend = "Eigen";
#endif
  std::printf("genlab %s consumer: first Philox word %08x, product sum %g (%s)\n", GENLAB_VERSION_STRING, first,
              sum, backend);
  return first == 0x6627e8d5u && sum == 2.0 * 64 * 64 ? 0 : 1;
}
