#ifndef GENLAB_GENLAB_HPP
#define GENLAB_GENLAB_HPP
// Umbrella header: all of genlab (CPU parts; CUDA lives in .cuh headers that only nvcc-compiled
// code includes, e.g. genlab/sample/cuda/gaussian_process.cuh). Include the per-area headers
// (genlab/core.hpp, genlab/splits.hpp, ...) for faster builds.
#include "genlab/bias.hpp"
#include "genlab/core.hpp"
#include "genlab/experiments.hpp"
#include "genlab/measure.hpp"
#include "genlab/nn.hpp"
#include "genlab/sample.hpp"
#include "genlab/splits.hpp"
#include "genlab/stats.hpp"
#endif
