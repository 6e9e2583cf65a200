// Runtime's insides: one io_context run by N threads.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "evprov/ocpp/runtime.h"

namespace evprov::ocpp {

namespace asio = boost::asio;

class Runtime::Impl {
 public:
  explicit Impl(int threads);
  ~Impl();
  void Stop();
  asio::io_context& ioc() { return ioc_; }
  int threads() const { return threads_; }
  // True when called from one of this runtime's threads.
  bool InRuntimeThread() const;

 private:
  int threads_;
  mutable asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

}  // namespace evprov::ocpp
