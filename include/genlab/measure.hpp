#ifndef GENLAB_MEASURE_HPP
#define GENLAB_MEASURE_HPP
// genlab::measure — metrics on predictions: accuracy by group with intervals, the Scylla ID/OOD
// gap, generalization valley and critical complexity, IRT (1PL/2PL, JML and MML), Glicko-2,
// calibration (ECE, RMS, Brier, reliability plots), rank concurrence, prediction loading.

#include "genlab/measure/accuracy.hpp"
#include "genlab/measure/bootstrap.hpp"
#include "genlab/measure/calibration.hpp"
#include "genlab/measure/concurrence.hpp"
#include "genlab/measure/gap.hpp"
#include "genlab/measure/glicko2.hpp"
#include "genlab/measure/irt.hpp"
#include "genlab/measure/predictions.hpp"

#endif  // GENLAB_MEASURE_HPP
