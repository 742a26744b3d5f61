// Descriptor-level capture of a cell's stdout and stderr; see output_capture.hpp.
#include "output_capture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace genlab_kernel {

namespace {
const char* const kNames[2] = {"stdout", "stderr"};

void flush_stdio() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
}

int bytes_pending(int fd) {
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 ? n : 0;
}
}  // namespace

OutputCapture::OutputCapture(Sink sink) : sink_(std::move(sink)) {
  for (int i = 0; i < 2; ++i) {
    saved_[i] = fcntl(i + 1, F_DUPFD_CLOEXEC, 3);
    if (saved_[i] < 0) throw std::runtime_error(std::string("genlab kernel: dup of fd 1/2 failed: ") + std::strerror(errno));
  }
}

OutputCapture::~OutputCapture() {
  if (active_) end();
  for (int fd : saved_) close(fd);
}

void OutputCapture::begin() {
  flush_stdio();
  for (int i = 0; i < 2; ++i) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error(std::string("genlab kernel: pipe failed: ") + std::strerror(errno));
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    dup2(p[1], i + 1);  // the duplicate at fd 1/2 is not close-on-exec: child processes write here too
    close(p[1]);
    read_[i] = p[0];
  }
  stop_ = false;
  active_ = true;
  reader_ = std::thread([this] { read_loop(); });
}

void OutputCapture::end() {
  if (!active_) return;
  flush_stdio();
  // Restoring fds 1 and 2 closes the pipes' last write ends the kernel holds; the reader then sees
  // end-of-file once it has published the rest. A child process the cell left running in the
  // background may hold a write end forever, so the reader gives up after stop_ (see read_loop).
  for (int i = 0; i < 2; ++i) dup2(saved_[i], i + 1);
  stop_ = true;
  reader_.join();
  for (int& fd : read_) close(fd), fd = -1;
  active_ = false;
}

void OutputCapture::publish_in_order(const std::function<void()>& publish) {
  if (!active_) {
    std::lock_guard<std::mutex> lock(mutex_);
    publish();
    return;
  }
  flush_stdio();
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (bytes_pending(read_[0]) == 0 && bytes_pending(read_[1]) == 0) {
        publish();
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void OutputCapture::dump_unpublished_to_log() const {
  if (!active_) return;
  char buf[4096];
  for (int fd : read_) {
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      [[maybe_unused]] ssize_t w = write(saved_[1], buf, static_cast<size_t>(n));
    }
  }
}

// Reads what is available on both pipes and publishes it; true once both are at end-of-file.
bool OutputCapture::drain_locked() {
  bool eof[2] = {false, false};
  for (int i = 0; i < 2; ++i) {
    std::string text;
    char buf[65536];
    for (;;) {
      const ssize_t n = read(read_[i], buf, sizeof buf);
      if (n > 0) {
        text.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) eof[i] = true;
      else if (errno == EINTR) continue;
      break;  // EAGAIN: nothing more for now
    }
    if (!text.empty()) sink_(kNames[i], text);
  }
  return eof[0] && eof[1];
}

void OutputCapture::read_loop() {
  const auto give_up_after = std::chrono::seconds(2);
  std::chrono::steady_clock::time_point stop_seen{};
  for (;;) {
    pollfd fds[2] = {{read_[0], POLLIN, 0}, {read_[1], POLLIN, 0}};
    poll(fds, 2, 50);
    bool done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done = drain_locked();
    }
    if (done) return;
    if (stop_) {
      const auto now = std::chrono::steady_clock::now();
      if (stop_seen == std::chrono::steady_clock::time_point{}) stop_seen = now;
      else if (now - stop_seen > give_up_after) return;
    }
  }
}

}  // namespace genlab_kernel
