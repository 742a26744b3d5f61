#ifndef GENLAB_GENLAB_HPP
#define GENLAB_GENLAB_HPP
// Umbrella header: all of genlab. Include the per-area headers (genlab/core.hpp, ...) for
// faster builds.
#include "genlab/core.hpp"
#endif
