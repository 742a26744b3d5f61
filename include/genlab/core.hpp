#ifndef GENLAB_CORE_HPP
#define GENLAB_CORE_HPP
// genlab::core: RNG (Philox4x32-10, cuRAND-compatible), token data, I/O, errors, progress.
#include "genlab/core/blas.hpp"
#include "genlab/core/constants.hpp"
#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/progress.hpp"
#include "genlab/core/random.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/core/tensor.hpp"
#include "genlab/core/vocabulary.hpp"
#include "genlab/version.hpp"
#endif
