#ifndef GENLAB_KERNEL_CPP_ENGINE_HPP
#define GENLAB_KERNEL_CPP_ENGINE_HPP
// One C++17 session on clang's incremental interpreter (clang::Interpreter, LLVM 19: the engine of
// clang-repl-19 and of xeus-cpp). Cells are parsed and run in order in one translation unit, so
// declarations persist across cells, exactly as tools/run_notebook.py's clang-repl session does.

#include <memory>
#include <string>
#include <vector>

namespace clang {
class Interpreter;
}

namespace genlab_kernel {

struct CellResult {
  bool ok = true;
  std::string ename;                   // "CompileError", "RuntimeError", "KeyboardInterrupt", ...
  std::string evalue;                  // one line: where and what
  std::vector<std::string> traceback;  // the full compiler/runtime message, line by line
  std::string warnings;                // compiler warnings of a cell that ran
};

class CppEngine {
 public:
  /// clang_args: driver flags (-std=c++17, -I..., -fopenmp, ...); resource_dir: clang's own
  /// headers (stddef.h, ...) matching the linked libclang-cpp.
  CppEngine(const std::vector<std::string>& clang_args, const std::string& resource_dir);
  ~CppEngine();

  /// Parses and runs one cell. `label` names the cell in messages ("cell [3]").
  CellResult run(const std::string& code, const std::string& label);
  /// #pragma cling add_include_path(dir): a user include directory (-I) from now on.
  bool add_include_path(const std::string& dir, std::string& error);
  /// #pragma cling load(lib): a shared library whose symbols cells may call.
  bool load_library(const std::string& name, std::string& error);

  /// Called from a signal handler on the thread running cells: abandons the running cell if it is
  /// in JIT-compiled code (and does nothing otherwise).
  static void interrupt_from_signal();
  /// Whether a cell's JIT-compiled code is running now (async-signal-safe).
  static bool running_user_code();

 private:
  std::string take_diagnostics(const std::string& label);

  std::unique_ptr<clang::Interpreter> interp_;
  std::string diag_text_;
  struct Diagnostics;
  std::unique_ptr<Diagnostics> diag_;
};

}  // namespace genlab_kernel

#endif  // GENLAB_KERNEL_CPP_ENGINE_HPP
