#ifndef GENLAB_SPLITS_HPP
#define GENLAB_SPLITS_HPP
// genlab::splits: task and split generators for generalization research (length generalization
// with task hints and RASP-L packing, modular arithmetic, SCAN, MCD/TMCD, skill composition,
// knowledge-graph reasoning). Every generator returns a core::Dataset whose config() holds its
// parameters, seed and fingerprint.
#include "genlab/splits/common.hpp"
#include "genlab/splits/dbca.hpp"
#include "genlab/splits/knowledge_graph.hpp"
#include "genlab/splits/length.hpp"
#include "genlab/splits/modular.hpp"
#include "genlab/splits/scan.hpp"
#include "genlab/splits/scan_mcd.hpp"
#include "genlab/splits/skills.hpp"
#endif  // GENLAB_SPLITS_HPP
