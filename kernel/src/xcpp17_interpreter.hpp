#ifndef GENLAB_KERNEL_XCPP17_INTERPRETER_HPP
#define GENLAB_KERNEL_XCPP17_INTERPRETER_HPP
// The xcpp17 kernel's answers to Jupyter's shell requests (messaging protocol 5.3): execute,
// complete, inspect, is_complete, kernel_info, shutdown. xeus owns the sockets, signing and the
// message envelope; this class owns the C++ session and its output.

#include "cpp_engine.hpp"
#include "output_capture.hpp"

#include <xeus/xinterpreter.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace genlab_kernel {

class Xcpp17Interpreter : public xeus::xinterpreter {
 public:
  Xcpp17Interpreter(std::vector<std::string> clang_args, std::string resource_dir, std::vector<std::string> preload);
  ~Xcpp17Interpreter() override;

  /// display_data for a MIME bundle from a cell (xcpp::display), in order with its text output.
  void display_from_cell(const nl::json& data, const nl::json& metadata);
  /// The running interpreter, for the exported C entry points (display.cpp) and signal handlers.
  static Xcpp17Interpreter* current();
  /// The kernel's log (its original stderr), not the cell's.
  int log_fd() const;
  /// Async-signal-safe: see OutputCapture::dump_unpublished_to_log.
  void dump_unpublished_output() const;

 private:
  void configure_impl() override;
  nl::json execute_request_impl(int execution_counter, const std::string& code, bool silent, bool store_history,
                                nl::json user_expressions, bool allow_stdin) override;
  nl::json complete_request_impl(const std::string& code, int cursor_pos) override;
  nl::json inspect_request_impl(const std::string& code, int cursor_pos, int detail_level) override;
  nl::json is_complete_request_impl(const std::string& code) override;
  nl::json kernel_info_request_impl() override;
  void shutdown_request_impl() override;

  std::string apply_pragmas(const std::string& code, std::vector<std::string>& errors);
  void remember_identifiers(const std::string& code);

  std::vector<std::string> clang_args_;
  std::string resource_dir_;
  std::vector<std::string> preload_;
  std::unique_ptr<CppEngine> engine_;
  std::unique_ptr<OutputCapture> capture_;
  bool silent_ = false;                // the running request is silent (no IOPub output)
  std::set<std::string> identifiers_;  // completion candidates: names seen in cells that ran
};

}  // namespace genlab_kernel

#endif  // GENLAB_KERNEL_XCPP17_INTERPRETER_HPP
