// Distributed GP hypothesis sampling with MPI, checked against one process.
//
//   mpirun -np 2 ./sample_mpi_gp [hypotheses]      (default 2001; --help for the range)
//
// Every rank samples its share of [0, hypotheses) (both loss paths), the losses are gathered,
// and rank 0 recomputes the whole range alone and compares bit for bit. Exit 0 when equal.
#include <cstdio>
#include <cstdlib>

#include "cli.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/mpi.hpp"

int main(int argc, char** argv) {
  using namespace genlab;
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // Every rank parses the same argv; rank 0 reports. Exit 2 on a usage error, before any work.
  CLI::App app("Distributed GP hypothesis sampling with MPI, checked bit for bit against one process.", "sample_mpi_gp");
  genlab_examples::cli::configure(app);
  std::uint64_t n = 2001;
  app.add_option("hypotheses", n, "hypotheses sampled, split across the ranks")
      ->transform(genlab_examples::cli::integer<std::uint64_t>(1));
  if (const int rc = genlab_examples::cli::parse(app, argc, argv, rank == 0); rc >= 0) {
    MPI_Finalize();
    return rc;
  }

  // A small GP space: Σ = B Bᵀ/N_t + 0.05 I, random mean, one-hot targets (same on every rank).
  const int nt = 24, k = 4;
  core::Philox4x32 g(5);
  Eigen::MatrixXd b(nt, nt);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = core::normal_double(g);
  sample::GpHypothesisSpace space;
  space.covariance = b * b.transpose() / nt + 0.05 * Eigen::MatrixXd::Identity(nt, nt);
  space.mean = Eigen::MatrixXd::Zero(nt, k);
  for (Eigen::Index i = 0; i < space.mean.size(); ++i) space.mean.data()[i] = 0.3 * core::normal_double(g);
  space.targets = Eigen::MatrixXd::Zero(nt, k);
  for (int r = 0; r < nt; ++r) space.targets(r, r % k) = 1.0;
  const auto f = sample::factor_gp(space);

  int ok = 1;
  for (bool cls : {true, false}) {
    sample::SampleOptions o;
    o.classification_error = cls;
    const auto all = sample::mpi_sample_gp_losses(MPI_COMM_WORLD, f, 2026, 0, n, o);
    if (rank == 0) {
      const auto alone = sample::sample_gp_losses(f, 2026, 0, n, o);
      const bool same = all.mse == alone.mse && all.error == alone.error;
      double mean = 0;
      for (double x : all.mse) mean += x;
      std::printf("%d ranks, %llu hypotheses, %s path: gathered == single process: %s (mean MSE %.6f, law mean %.6f)\n",
                  ranks, static_cast<unsigned long long>(n), cls ? "prediction" : "eigenbasis", same ? "yes" : "NO",
                  mean / static_cast<double>(n), sample::gp_loss_law(f).mean());
      ok = ok && same;
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return ok ? 0 : 1;
}
