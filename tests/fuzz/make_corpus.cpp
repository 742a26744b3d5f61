// Writes small valid .npy and IDX files (plain and gzipped) as seeds for the fuzzers.
#include <filesystem>
#include <string>
#include <vector>

#include "genlab/core/io/idx.hpp"
#include "genlab/core/io/npy.hpp"

int main(int argc, char** argv) {
  namespace gc = genlab::core;
  const std::filesystem::path dir = argc > 1 ? argv[1] : "seeds";
  const std::vector<double> d = {1.5, -2, 3, 4, 5, 6};
  const std::vector<std::int32_t> i = {1, 2, 3};
  const std::vector<std::uint8_t> u = {0, 1, 2, 3, 4, 5, 6, 7};
  gc::write_npy(dir / "npy" / "f64_2x3.npy", d, {2, 3});
  gc::write_npy(dir / "npy" / "i32_3.npy", i, {3});
  gc::write_npy(dir / "npy" / "u8_2x2x2.npy", u, {2, 2, 2});
  gc::write_idx_u8(dir / "idx" / "u8_2x4.idx", u, {2, 4});
  gc::write_idx_u8(dir / "idx" / "u8_8.idx.gz", u, {8}, true);
  return 0;
}
