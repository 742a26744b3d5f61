// libFuzzer harness for the IDX parser (plain and gzipped): parse or FileFormatError, nothing else.
//   tools/fuzz.sh idx 60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "genlab/core/io/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto a = genlab::core::parse_idx(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.idx");
    if (a.bytes.size() != a.size() * genlab::core::idx_item_size(a.type)) std::abort();  // invariant
    if (a.size() > 0) (void)a.element_as_double(a.size() - 1);
  } catch (const genlab::core::FileFormatError&) {
  }
  return 0;
}
