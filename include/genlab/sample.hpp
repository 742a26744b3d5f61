#ifndef GENLAB_SAMPLE_HPP
#define GENLAB_SAMPLE_HPP
// genlab::sample — hypothesis spaces and their samplers (CPU: OpenMP + Eigen). Hypothesis i of a
// run draws from philox_stream(seed, i), so ranges shard across threads, processes (sample/mpi.hpp,
// needs MPI) and GPUs (sample/cuda/*.cuh, nvcc only) and merge exactly.

#include "genlab/sample/gaussian_process.hpp"
#include "genlab/sample/generalized_chi_square.hpp"
#include "genlab/sample/loss_sample.hpp"
#include "genlab/sample/mlp.hpp"
#include "genlab/sample/normals.hpp"
#include "genlab/sample/random_features.hpp"

#endif  // GENLAB_SAMPLE_HPP
