// C entry points the JIT-compiled cells call in the running kernel (resolved by clang's
// interpreter in this process; the executable exports them, see kernel/CMakeLists.txt).
#include "xcpp17_interpreter.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

/// xcpp::display (kernel/include/xcpp/xdisplay.hpp): a MIME bundle as JSON text -> display_data.
extern "C" __attribute__((visibility("default"))) void genlab_kernel_display(const char* data_json,
                                                                              const char* metadata_json) {
  auto* interp = genlab_kernel::Xcpp17Interpreter::current();
  if (interp == nullptr) return;
  const nl::json data = nl::json::parse(data_json, nullptr, /*allow_exceptions=*/false);
  const nl::json metadata = nl::json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) {
    std::fprintf(stderr, "xcpp::display: the MIME bundle is not a JSON object\n");
    return;
  }
  interp->display_from_cell(data, metadata.is_object() ? metadata : nl::json::object());
}

/// clang 19 ends each dynamically scheduled OpenMP loop with __kmpc_dispatch_deinit (new in LLVM
/// 19's runtime); Debian 12's libomp is LLVM 14's, which has no such entry and needs none (the same
/// shim tools/run_notebook.py puts in its clang-repl prelude). Weak, so a newer libomp's wins.
extern "C" __attribute__((weak, visibility("default"))) void __kmpc_dispatch_deinit(void*, int) {}
