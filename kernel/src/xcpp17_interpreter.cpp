// The xcpp17 kernel's request handlers; see xcpp17_interpreter.hpp.
#include "xcpp17_interpreter.hpp"

#include <xeus/xhelper.hpp>

#include <cctype>
#include <regex>
#include <utility>

namespace genlab_kernel {

namespace {
Xcpp17Interpreter* g_current = nullptr;

// The #pragma cling lines genlab's notebooks (and xeus-cling users) write in cells. clang does not
// know them, so the kernel carries them out and blanks the line (keeping line numbers).
const std::regex kPragma(R"re(^[ \t]*#[ \t]*pragma[ \t]+cling[ \t]+(add_include_path|load)[ \t]*\([ \t]*"([^"]*)"[ \t]*\).*$)re");

// execute_reply for a failed cell (protocol 5.3: status "error" with ename, evalue, traceback).
// Written out here because xeus 2.4.1's create_error_reply stores ename and evalue swapped.
nl::json error_reply(const std::string& ename, const std::string& evalue, const std::vector<std::string>& traceback) {
  return {{"status", "error"}, {"ename", ename}, {"evalue", evalue}, {"traceback", traceback}};
}

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
}  // namespace

Xcpp17Interpreter::Xcpp17Interpreter(std::vector<std::string> clang_args, std::string resource_dir,
                                     std::vector<std::string> preload)
    : clang_args_(std::move(clang_args)), resource_dir_(std::move(resource_dir)), preload_(std::move(preload)) {
  xeus::register_interpreter(this);
  g_current = this;
}

Xcpp17Interpreter::~Xcpp17Interpreter() { g_current = nullptr; }

Xcpp17Interpreter* Xcpp17Interpreter::current() { return g_current; }

int Xcpp17Interpreter::log_fd() const { return capture_ ? capture_->log_fd() : 2; }

void Xcpp17Interpreter::dump_unpublished_output() const {
  if (capture_) capture_->dump_unpublished_to_log();
}

void Xcpp17Interpreter::configure_impl() {
  // Started once, before the first request: the interpreter takes about a second to create.
  engine_ = std::make_unique<CppEngine>(clang_args_, resource_dir_);
  for (const auto& lib : preload_) {
    std::string error;
    if (!engine_->load_library(lib, error)) throw std::runtime_error("genlab kernel: --load " + lib + ": " + error);
  }
  capture_ = std::make_unique<OutputCapture>([this](const std::string& name, const std::string& text) {
    if (!silent_) publish_stream(name, text);
  });
}

std::string Xcpp17Interpreter::apply_pragmas(const std::string& code, std::vector<std::string>& errors) {
  std::string out;
  std::size_t start = 0;
  while (start <= code.size()) {
    std::size_t end = code.find('\n', start);
    if (end == std::string::npos) end = code.size();
    std::string line = code.substr(start, end - start);
    std::smatch m;
    if (std::regex_match(line, m, kPragma)) {
      std::string error;
      const bool ok = m[1] == "add_include_path" ? engine_->add_include_path(m[2], error) : [&] {
        // "libz" / "z" / "libz.so.1": try the name as given, then as a library file name.
        const std::string n = m[2];
        const std::string base = n.rfind("lib", 0) == 0 ? n : "lib" + n;
        for (const std::string& cand : {n, base + ".so", base}) {
          std::string e;
          if (engine_->load_library(cand, e)) return true;
          if (error.empty()) error = e;
        }
        return false;
      }();
      if (!ok) errors.push_back("#pragma cling " + std::string(m[1]) + "(\"" + std::string(m[2]) + "\"): " + error);
      line.clear();
    }
    out += line;
    if (end < code.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

void Xcpp17Interpreter::remember_identifiers(const std::string& code) {
  for (std::size_t i = 0; i < code.size();) {
    if (is_ident(code[i]) && !std::isdigit(static_cast<unsigned char>(code[i]))) {
      std::size_t j = i;
      while (j < code.size() && is_ident(code[j])) ++j;
      if (j - i >= 3) identifiers_.insert(code.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
}

nl::json Xcpp17Interpreter::execute_request_impl(int execution_counter, const std::string& code, bool silent,
                                                 bool /*store_history*/, nl::json /*user_expressions*/,
                                                 bool /*allow_stdin*/) {
  const std::string label = "In [" + std::to_string(execution_counter) + "]";
  std::vector<std::string> pragma_errors;
  const std::string source = apply_pragmas(code, pragma_errors);
  if (!pragma_errors.empty()) {
    if (!silent) publish_execution_error("PragmaError", label + ": " + pragma_errors.front(), pragma_errors);
    return error_reply("PragmaError", label + ": " + pragma_errors.front(), pragma_errors);
  }

  // A cell that was empty, or only pragmas, has nothing to parse.
  if (source.find_first_not_of(" \t\r\n") == std::string::npos) return xeus::create_successful_reply();

  silent_ = silent;  // protocol: a silent request publishes nothing on IOPub, streams included
  capture_->begin();
  CellResult r = engine_->run(source, label);
  capture_->end();
  silent_ = false;

  if (!r.warnings.empty() && !silent) publish_stream("stderr", r.warnings);
  if (!r.ok) {
    if (!silent) publish_execution_error(r.ename, r.evalue, r.traceback);
    return error_reply(r.ename, r.evalue, r.traceback);
  }
  remember_identifiers(source);
  return xeus::create_successful_reply();
}

void Xcpp17Interpreter::display_from_cell(const nl::json& data, const nl::json& metadata) {
  if (silent_) return;
  capture_->publish_in_order([&] { display_data(data, metadata, nl::json::object()); });
}

// Cheap completion: names that appeared in cells that ran (and in this cell), matching the
// identifier before the cursor. Asking clang itself means building and parsing in a second
// compiler instance per request (how clang-repl's ReplCodeCompleter works), which is not cheap.
nl::json Xcpp17Interpreter::complete_request_impl(const std::string& code, int cursor_pos) {
  // cursor_pos counts Unicode code points (protocol 5.2+); identifiers are ASCII, so the byte
  // offset is the same up to the cursor unless the cell has non-ASCII text before it.
  std::size_t cursor = std::min(code.size(), static_cast<std::size_t>(std::max(cursor_pos, 0)));
  std::size_t start = cursor;
  while (start > 0 && is_ident(code[start - 1])) --start;
  const std::string prefix = code.substr(start, cursor - start);
  std::set<std::string> names = identifiers_;
  for (std::size_t i = 0; i < code.size();) {
    if (is_ident(code[i])) {
      std::size_t j = i;
      while (j < code.size() && is_ident(code[j])) ++j;
      if (i != start) names.insert(code.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
  nl::json matches = nl::json::array();
  if (!prefix.empty())
    for (auto it = names.lower_bound(prefix); it != names.end() && it->rfind(prefix, 0) == 0; ++it)
      if (*it != prefix) matches.push_back(*it);
  return xeus::create_complete_reply(matches, static_cast<int>(start), static_cast<int>(cursor));
}

nl::json Xcpp17Interpreter::inspect_request_impl(const std::string&, int, int) {
  return xeus::create_inspect_reply(/*found=*/false);
}

// For consoles: a cell with unclosed brackets is incomplete; otherwise send it.
nl::json Xcpp17Interpreter::is_complete_request_impl(const std::string& code) {
  int depth = 0;
  for (char c : code) depth += (c == '{' || c == '(' || c == '[') - (c == '}' || c == ')' || c == ']');
  return depth > 0 ? xeus::create_is_complete_reply("incomplete", "  ") : xeus::create_is_complete_reply("complete");
}

nl::json Xcpp17Interpreter::kernel_info_request_impl() {
  return xeus::create_info_reply("5.3", "genlab-xcpp17", "0.1.1", "c++", "17", "text/x-c++src", ".cpp",
                                 /*pygments_lexer=*/"c++", /*codemirror_mode=*/"text/x-c++src",
                                 /*nbconvert_exporter=*/"",
                                 "genlab's C++17 kernel: xeus + clang::Interpreter (LLVM 19)");
}

void Xcpp17Interpreter::shutdown_request_impl() {}

}  // namespace genlab_kernel
