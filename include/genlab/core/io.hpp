#ifndef GENLAB_CORE_IO_HPP
#define GENLAB_CORE_IO_HPP
// All of genlab's file I/O: atomic writes, JSON/JSONL, CSV, .npy, IDX (MNIST), MNIST loaders.
#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/gnuplot.hpp"
#include "genlab/core/io/idx.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/json_diff.hpp"
#include "genlab/core/io/mnist.hpp"
#include "genlab/core/io/npy.hpp"
#endif
