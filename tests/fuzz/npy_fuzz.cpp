// libFuzzer harness for the .npy parser: any bytes either parse into a consistent array or throw
// FileFormatError; never a crash, a hang or an out-of-bounds read (run under ASan + UBSan).
//   tools/fuzz.sh npy 60     (builds with clang -fsanitize=fuzzer,address,undefined and runs 60 s)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "genlab/core/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto a = genlab::core::parse_npy(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    if (a.bytes.size() != a.size() * genlab::core::npy_item_size(a.type)) std::abort();  // invariant
    if (a.size() > 0) (void)a.element_as_double(a.size() - 1);
  } catch (const genlab::core::FileFormatError&) {
  }
  return 0;
}
