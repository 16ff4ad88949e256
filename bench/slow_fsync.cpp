// LD_PRELOAD shim for scripts/bench: every fsync and fdatasync returns only after
// TOUCHPOINT_FSYNC_DELAY_US more microseconds, as on a disk whose flushes are slow. The
// ingest issue's figures came from such a day (acks at 12-15 ms with 64 connections); on the
// bench machine a flush takes ~0.4 ms and the baseline is bound by its CPU instead. Under this
// shim the baseline and Touchpoint both meet the bound that day set: a durable answer comes no
// sooner than the flush it waits for.
//
// A sleep, not a queue: flushes that overlap wait side by side, as on a disk that takes
// several at once. Touchpoint's checkpoint syncs run off the answers' path; on a disk that
// serialised flushes they would cost it more than they cost here.
#include <dlfcn.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace {
void slow_down() {
  static const long us = [] {
    const char* e = std::getenv("TOUCHPOINT_FSYNC_DELAY_US");
    return e ? std::atol(e) : 0L;
  }();
  if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
}

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}
}  // namespace

extern "C" int fsync(int fd) {
  static const auto next = real<int (*)(int)>("fsync");
  int rc = next(fd);
  slow_down();
  return rc;
}

extern "C" int fdatasync(int fd) {
  static const auto next = real<int (*)(int)>("fdatasync");
  int rc = next(fd);
  slow_down();
  return rc;
}
