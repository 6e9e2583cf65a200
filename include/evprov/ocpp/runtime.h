// The threads that run OCPP connections (an I/O context and its workers).
//
// A Server makes its own Runtime; Clients may share one (a fleet of simulated
// chargers runs thousands of Clients on a few threads).
//
// Ownership: shared by the Server/Clients that use it; the threads stop and
// join when the last owner lets go (or on Stop).
// Thread-safety: all methods may be called from any thread except a runtime
// thread (Stop from a runtime thread would join itself).
#pragma once

#include <memory>

namespace evprov::ocpp {

class Runtime {
 public:
  explicit Runtime(int threads = 1);
  ~Runtime();  // Stop()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Stops the I/O context and joins the threads. Idempotent.
  void Stop();
  int threads() const;

  class Impl;  // internal: src/ocpp/runtime_impl.h
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace evprov::ocpp
