// Timings of the split generators on this machine (no peer: the reference implementations are
// Python scripts that write fixed files). Prints one line per generator:
//   scan_pool, scan_mcd (greedy MCD on all 20,910 SCAN commands), tmcd (swap on a SCAN sub-pool),
//   length (sort, 10,000 training examples + 5 x 100 test), kg_composition (paper size).
// Usage: splits_bench [--seeds N]

#include <genlab/splits.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace gs = genlab::splits;

namespace {
double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  int seeds = 3;
  if (argc == 3 && std::string(argv[1]) == "--seeds") seeds = std::stoi(argv[2]);
  auto t0 = std::chrono::steady_clock::now();
  const auto pool = gs::scan_dbca_pool();
  std::printf("scan_pool        %zu commands, %zu atoms, %zu compounds: %.3f s\n", pool.size(), pool.atom_names.size(),
              pool.compound_names.size(), since(t0));
  for (int s = 1; s <= seeds; ++s) {
    gs::McdConfig c;
    c.train_size = 8000;
    c.test_size = 2000;
    c.seed = static_cast<std::uint64_t>(s);
    t0 = std::chrono::steady_clock::now();
    const auto r = gs::mcd_split(pool, c);
    std::printf("scan_mcd seed %d  train 8000 / test 2000, 512 candidates/step: D_C = %.4f, D_A = %.4f, %.3f s\n", s,
                r.divergences.compound, r.divergences.atom, since(t0));
  }
  {
    gs::DbcaPool sub;
    sub.atom_names = pool.atom_names;
    sub.compound_names = pool.compound_names;
    for (std::size_t i = 0; i < pool.size(); i += 10) sub.atoms.push_back(pool.atoms[i]), sub.compounds.push_back(pool.compounds[i]);
    t0 = std::chrono::steady_clock::now();
    const auto r = gs::tmcd_split(sub, sub.size() / 2, 1);
    std::printf("tmcd             %zu commands, half/half, %zu swaps: D_C = %.4f, D_A = %.4f, %.3f s\n", sub.size(), r.iterations,
                r.divergences.compound, r.divergences.atom, since(t0));
  }
  {
    gs::LengthTaskConfig c;
    t0 = std::chrono::steady_clock::now();
    const auto ds = gs::make_length_dataset(c);
    std::printf("length sort      %zu train + %zu test examples: %.3f s\n", ds.split("train").size(), 5 * c.test_size_per_length, since(t0));
  }
  {
    t0 = std::chrono::steady_clock::now();
    const auto kg = gs::make_kg_composition({});
    std::printf("kg_composition   |E| = 2000, phi = 7.2: %zu train sequences: %.3f s\n", kg.dataset.split("train").size(), since(t0));
  }
  return 0;
}
