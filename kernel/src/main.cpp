// genlab's xcpp17 Jupyter kernel: xeus (the Jupyter messaging protocol 5.3 over ZeroMQ) around
// clang's incremental C++ interpreter (clang::Interpreter, LLVM 19).
//
//   xcpp17-genlab -f CONNECTION_FILE [--load LIB]... [-- CLANG_FLAGS...]
//
// Jupyter starts it from kernel.json (written by tools/install_kernel.sh), which lists the clang
// flags: -std=c++17, genlab's include directory, Eigen's, OpenMP, this kernel's xcpp/ headers.
#include "xcpp17_interpreter.hpp"

#include <xeus/xkernel.hpp>
#include <xeus/xkernel_configuration.hpp>
#include <xeus/xserver_zmq.hpp>
#include <xeus/xeus_context.hpp>

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef GENLAB_CLANG_RESOURCE_DIR
#error "GENLAB_CLANG_RESOURCE_DIR must name the resource directory of the linked clang (kernel/CMakeLists.txt)"
#endif

namespace {

void usage() {
  std::cerr << "usage: xcpp17-genlab -f CONNECTION_FILE [--load LIB]... [-- CLANG_FLAGS...]\n";
}

// Interrupts. Jupyter sends SIGINT to interrupt a cell, and jupyter_client also sends one before
// every shutdown request, when the kernel sits idle in ZeroMQ's poll. A SIGINT landing there makes
// xeus' poll fail with EINTR and the kernel abort, so SIGINT is blocked in every thread and waited
// for by one thread of its own, which forwards it (as SIGUSR2) to the main thread only while a
// cell's JIT-compiled code runs; CppEngine's handler then abandons the cell.
void on_interrupt(int) { genlab_kernel::CppEngine::interrupt_from_signal(); }

void start_interrupt_thread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by every thread started after this
  const pthread_t main_thread = pthread_self();
  std::thread([set, main_thread] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) == 0 && genlab_kernel::CppEngine::running_user_code()) pthread_kill(main_thread, SIGUSR2);
    }
  }).detach();
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR2, &sa, nullptr);
}

// A cell that crashes takes the kernel with it (its memory is the kernel's). Say so in the
// kernel's log before dying by the same signal, so the client sees the real cause (exit by SIGSEGV).
void on_fatal(int sig) {
  const char* what = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE"
                   : sig == SIGILL  ? "SIGILL"  : "SIGABRT";
  int fd = 2;
  if (auto* interp = genlab_kernel::Xcpp17Interpreter::current()) {
    interp->dump_unpublished_output();
    fd = interp->log_fd();
  }
  const char head[] = "genlab xcpp17 kernel: killed by ";
  const char* where = genlab_kernel::CppEngine::running_user_code() ? " in a cell's code\n" : " outside a cell's code\n";
  [[maybe_unused]] auto a = write(fd, head, sizeof head - 1);
  [[maybe_unused]] auto b = write(fd, what, std::strlen(what));
  [[maybe_unused]] auto c = write(fd, where, std::strlen(where));
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

int main(int argc, char** argv) {
  std::string connection_file;
  std::vector<std::string> preload, clang_args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-f" && i + 1 < argc) connection_file = argv[++i];
    else if (a == "--load" && i + 1 < argc) preload.push_back(argv[++i]);
    else if (a == "--") {
      clang_args.assign(argv + i + 1, argv + argc);
      break;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      std::cerr << "xcpp17-genlab: unknown argument '" << a << "'\n";
      usage();
      return 2;
    }
  }
  if (connection_file.empty()) {
    usage();
    return 2;
  }
  start_interrupt_thread();  // before any other thread exists, so all inherit the blocked SIGINT
  // Line-buffered stdout: a cell's lines reach the notebook as they are printed, not at the end.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  try {
    xeus::xconfiguration config = xeus::load_configuration(connection_file);
    auto context = xeus::make_context<zmq::context_t>();
    auto interpreter = std::make_unique<genlab_kernel::Xcpp17Interpreter>(clang_args, GENLAB_CLANG_RESOURCE_DIR, preload);
    xeus::xkernel kernel(config, xeus::get_user_name(), std::move(context), std::move(interpreter),
                         xeus::make_xserver_zmq);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, on_fatal);
    kernel.start();
    // start() returns after a shutdown_request has been answered. Tearing xeus 2.4's server down
    // (its heartbeat and publisher threads, then the ZeroMQ context) intermittently aborts with
    // "zmq::error_t: Socket operation on non-socket", and the interpreter's JIT'd static
    // destructors may run on freed state (clang-repl's runner exits with _Exit for the same reason):
    // the reply is out, so leave without destructors.
    std::fflush(nullptr);
    std::_Exit(0);
  } catch (const std::exception& e) {
    std::cerr << "xcpp17-genlab: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
