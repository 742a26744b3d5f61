// clang::Interpreter session for the xcpp17 kernel; see cpp_engine.hpp.
#include "cpp_engine.hpp"

#include <clang/Basic/Diagnostic.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Interpreter/Interpreter.h>
#include <clang/Lex/HeaderSearch.h>
#include <clang/Lex/Preprocessor.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <exception>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace genlab_kernel {

namespace {
// Interrupt (Jupyter "interrupt_mode": "signal"; main.cpp turns the client's SIGINT into a signal
// to this thread). While JIT-compiled code runs, the handler jumps back to CppEngine::run,
// abandoning the cell as Cling does on an interrupt; anywhere else (parsing, the kernel's own code)
// the signal is ignored, since jumping out of clang would leave its state half-updated.
sigjmp_buf g_interrupt_jump;
std::atomic<int> g_in_user_code{0};  // lock-free: read by the interrupt thread and in handlers

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

// The compiler's diagnostics go to a string instead of the kernel's stderr, so a compile error
// becomes a Jupyter error message (ename, evalue, traceback) instead of log noise.
struct CppEngine::Diagnostics {
  explicit Diagnostics(std::string& text) : os(text) {}
  llvm::raw_string_ostream os;
};

CppEngine::CppEngine(const std::vector<std::string>& clang_args, const std::string& resource_dir) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::InitializeNativeTargetAsmParser();  // cells with inline asm (Eigen's optimization barriers)
  std::vector<std::string> owned = {"-resource-dir", resource_dir};
  owned.insert(owned.end(), clang_args.begin(), clang_args.end());
  std::vector<const char*> args;
  for (const auto& a : owned) args.push_back(a.c_str());
  clang::IncrementalCompilerBuilder builder;
  builder.SetCompilerArgs(args);
  auto ci = builder.CreateCpp();
  if (!ci) throw std::runtime_error("genlab kernel: clang rejected the compiler flags: " + llvm::toString(ci.takeError()));
  auto interp = clang::Interpreter::create(std::move(*ci));
  if (!interp) throw std::runtime_error("genlab kernel: cannot start clang's interpreter: " + llvm::toString(interp.takeError()));
  interp_ = std::move(*interp);

  diag_ = std::make_unique<Diagnostics>(diag_text_);
  clang::CompilerInstance* c = interp_->getCompilerInstance();
  auto* printer = new clang::TextDiagnosticPrinter(diag_->os, &c->getDiagnosticOpts());
  printer->BeginSourceFile(c->getLangOpts(), &c->getPreprocessor());
  c->getDiagnostics().setClient(printer, /*ShouldOwnClient=*/true);
}

CppEngine::~CppEngine() = default;

// clang names the n-th input "input_line_<n>"; messages name the notebook cell instead.
std::string CppEngine::take_diagnostics(const std::string& label) {
  diag_->os.flush();
  static const std::regex input_name(R"(input_line_[0-9]+:)");
  // The interpreter's inputs are all included from one synthetic file; that line says nothing.
  static const std::regex synthetic(R"(In file included from <<< inputs >>>:[0-9]+:\n)");
  std::string text = std::regex_replace(std::regex_replace(diag_text_, synthetic, ""), input_name, label + ":");
  diag_text_.clear();
  return text;
}

CellResult CppEngine::run(const std::string& code, const std::string& label) {
  CellResult r;
  auto ptu = interp_->Parse(code);
  if (!ptu) {
    const std::string parse_error = llvm::toString(ptu.takeError());
    const std::string diags = take_diagnostics(label);
    r.ok = false;
    r.ename = "CompileError";
    r.traceback = split_lines(diags.empty() ? parse_error : diags);
    // evalue: the first error line ("cell [3]:4:5: error: use of undeclared identifier 'x'").
    r.evalue = parse_error;
    for (const auto& line : r.traceback)
      if (line.find("error:") != std::string::npos) {
        r.evalue = line;
        break;
      }
    return r;
  }
  r.warnings = take_diagnostics(label);

  llvm::Error err = llvm::Error::success();
  try {
    if (sigsetjmp(g_interrupt_jump, 1) == 0) {
      g_in_user_code = 1;
      err = interp_->Execute(*ptu);
      g_in_user_code = 0;
    } else {
      g_in_user_code = 0;
      r.ok = false;
      r.ename = "KeyboardInterrupt";
      r.evalue = label + ": interrupted";
      r.traceback = {r.evalue, "(the cell was abandoned mid-way: objects it was building may be incomplete)"};
      return r;
    }
  } catch (const std::exception& e) {
    // Exceptions a cell does not catch unwind through the JIT's registered frames to here.
    g_in_user_code = 0;
    r.ok = false;
    r.ename = "std::exception";
    r.evalue = label + ": uncaught exception: " + e.what();
    r.traceback = {r.evalue};
    return r;
  } catch (...) {
    g_in_user_code = 0;
    r.ok = false;
    r.ename = "UnknownException";
    r.evalue = label + ": uncaught exception of a type not derived from std::exception";
    r.traceback = {r.evalue};
    return r;
  }
  if (err) {
    r.ok = false;
    r.ename = "RuntimeError";
    r.evalue = label + ": " + llvm::toString(std::move(err));
    r.traceback = split_lines(r.evalue);
  }
  return r;
}

bool CppEngine::add_include_path(const std::string& dir, std::string& error) {
  clang::CompilerInstance* c = interp_->getCompilerInstance();
  auto entry = c->getFileManager().getOptionalDirectoryRef(dir);
  if (!entry) {
    error = "include directory not found: " + dir;
    return false;
  }
  c->getPreprocessor().getHeaderSearchInfo().AddSearchPath(
      clang::DirectoryLookup(*entry, clang::SrcMgr::C_User, /*isFramework=*/false), /*isAngled=*/true);
  return true;
}

bool CppEngine::load_library(const std::string& name, std::string& error) {
  if (llvm::Error err = interp_->LoadDynamicLibrary(name.c_str())) {
    error = llvm::toString(std::move(err));
    return false;
  }
  return true;
}

bool CppEngine::running_user_code() { return g_in_user_code != 0; }

void CppEngine::interrupt_from_signal() {
  if (g_in_user_code) siglongjmp(g_interrupt_jump, 1);
}

}  // namespace genlab_kernel
