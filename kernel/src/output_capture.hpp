#ifndef GENLAB_KERNEL_OUTPUT_CAPTURE_HPP
#define GENLAB_KERNEL_OUTPUT_CAPTURE_HPP
// Streams what a cell writes to file descriptors 1 and 2 to the client as it is written.
//
// Jupyter messaging protocol 5.3, "Streams (stdout, stderr, etc)": content = {name, text} on
// IOPub. Cells print through std::cout, printf, and child processes (gnuplot) alike, so the
// capture is at the descriptor level, not a std::streambuf: while a cell runs, fds 1 and 2 are
// pipes and a reader thread publishes what arrives.
//
// Every message to IOPub (these streams, display_data from the cell) goes out under one mutex,
// because xeus' publisher socket is a ZeroMQ socket and those may be used by one thread at a time.
// The reader reads only while holding that mutex, so "the pipe is empty" under the mutex means
// everything written so far has been published: publish_in_order() uses that to keep an image
// after the text printed before it.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace genlab_kernel {

class OutputCapture {
 public:
  /// Called with ("stdout" | "stderr", text), under the publish mutex.
  using Sink = std::function<void(const std::string& name, const std::string& text)>;

  explicit OutputCapture(Sink sink);
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  /// Points fds 1 and 2 at fresh pipes and starts the reader (start of a cell).
  void begin();
  /// Flushes stdio, restores fds 1 and 2, publishes the rest and stops the reader (end of a cell).
  void end();
  /// Runs publish() once everything the cell wrote so far has been published, under the mutex.
  /// Outside a cell it just runs publish() under the mutex.
  void publish_in_order(const std::function<void()>& publish);

  /// The original stderr (the kernel's log), for messages that must not go to the cell.
  int log_fd() const { return saved_[1]; }
  /// From a fatal-signal handler (async-signal-safe): copies what the dying cell wrote and nobody
  /// published yet (an assertion's message, ...) to the kernel's log, where the client sees it.
  void dump_unpublished_to_log() const;

 private:
  void read_loop();
  bool drain_locked();

  Sink sink_;
  std::mutex mutex_;
  int saved_[2] = {-1, -1};  // the kernel's own fds 1 and 2
  int read_[2] = {-1, -1};   // read ends of the cell's stdout and stderr pipes
  bool active_ = false;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace genlab_kernel

#endif  // GENLAB_KERNEL_OUTPUT_CAPTURE_HPP
