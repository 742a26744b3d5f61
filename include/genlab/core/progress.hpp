#ifndef GENLAB_CORE_PROGRESS_HPP
#define GENLAB_CORE_PROGRESS_HPP
// Progress for long loops, always on stderr (never stdout, which carries results):
//   a TTY gets a redrawn bar  "train [#########.......]  450/1000  45%  120.3/s  ETA 4.6s"
//   anything else gets plain lines at most every `interval_s` seconds
//   quiet mode prints nothing.
// add() may be called from several threads (OpenMP loops); printing is serialized.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace genlab::core {

struct ProgressOptions {
  bool quiet = false;
  double interval_s = 2.0;   // between plain lines (a TTY bar redraws at most 10 times a second)
  std::FILE* stream = stderr;
  int force_tty = -1;        // -1: detect with isatty; 0/1: force plain lines / bar
};

class Progress {
 public:
  Progress(std::string label, std::size_t total, ProgressOptions options = {})
      : label_(std::move(label)), total_(total), opt_(options), start_(Clock::now()), last_(start_) {
#if defined(__unix__) || defined(__APPLE__)
    tty_ = opt_.force_tty >= 0 ? opt_.force_tty == 1 : ::isatty(::fileno(opt_.stream)) != 0;
#else
    tty_ = opt_.force_tty == 1;
#endif
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { finish(); }

  /// Records `n` more items done; prints if it is time to.
  void add(std::size_t n = 1) {
    const std::size_t done = done_.fetch_add(n) + n;
    if (opt_.quiet) return;
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_.load()).count();
    if (since < (tty_ ? 0.1 : opt_.interval_s)) return;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    last_ = now;
    print(done, now, false);
  }
  /// Sets the absolute count (for loops that know where they are, e.g. after a resume).
  void set(std::size_t done) {
    done_ = done;
    add(0);
  }
  /// Prints the final line once (called by the destructor too).
  void finish() {
    if (finished_.exchange(true) || opt_.quiet) return;
    std::lock_guard<std::mutex> lock(mutex_);
    print(done_.load(), Clock::now(), true);
  }
  std::size_t done() const { return done_.load(); }
  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;

  void print(std::size_t done, Clock::time_point now, bool final_line) {
    const double t = std::chrono::duration<double>(now - start_).count();
    const double rate = t > 0 ? static_cast<double>(done) / t : 0.0;
    char tail[128];
    if (total_ > 0) {
      const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
      const double eta = rate > 0 && done < total_ ? static_cast<double>(total_ - done) / rate : 0.0;
      std::snprintf(tail, sizeof tail, "%zu/%zu %3.0f%%  %.1f/s  %s %.1fs", done, total_, 100.0 * frac, rate,
                    final_line ? "took" : "ETA", final_line ? t : eta);
      if (tty_) {
        constexpr int width = 24;
        const int filled = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::fprintf(opt_.stream, "\r%s [%s] %s\x1b[K%s", label_.c_str(), bar.c_str(), tail, final_line ? "\n" : "");
      } else {
        std::fprintf(opt_.stream, "%s: %s\n", label_.c_str(), tail);
      }
    } else {
      std::snprintf(tail, sizeof tail, "%zu done  %.1f/s  %.1fs", done, rate, t);
      std::fprintf(opt_.stream, tty_ ? "\r%s: %s\x1b[K%s" : "%s: %s\n%s", label_.c_str(), tail,
                   tty_ && final_line ? "\n" : "");
    }
    std::fflush(opt_.stream);
  }

  std::string label_;
  std::size_t total_;
  ProgressOptions opt_;
  Clock::time_point start_;
  std::atomic<Clock::time_point> last_;
  std::atomic<std::size_t> done_{0};
  std::atomic<bool> finished_{false};
  std::mutex mutex_;
  bool tty_ = false;
};

}  // namespace genlab::core

#endif  // GENLAB_CORE_PROGRESS_HPP
