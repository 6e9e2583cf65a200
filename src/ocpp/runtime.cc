#include <algorithm>

#include "evprov/common/log.h"
#include "ocpp/runtime_impl.h"

namespace evprov::ocpp {

Runtime::Impl::Impl(int threads) : threads_(std::max(1, threads)), ioc_(threads_) {
  work_.emplace(ioc_.get_executor());
  for (int i = 0; i < threads_; ++i) {
    workers_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          // A bug escaped a handler; keep the other connections running.
          log::Error("ocpp.runtime.exception", {{"what", e.what()}});
        }
      }
    });
  }
}

Runtime::Impl::~Impl() {
  Stop();
}

void Runtime::Impl::Stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    work_.reset();
    ioc_.stop();
    workers.swap(workers_);
  }
  for (auto& t : workers) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();  // Stop from our own thread: cannot join ourselves
    } else {
      t.join();
    }
  }
}

bool Runtime::Impl::InRuntimeThread() const {
  return ioc_.get_executor().running_in_this_thread();
}

Runtime::Runtime(int threads) : impl_(std::make_unique<Impl>(threads)) {}
Runtime::~Runtime() {
  impl_->Stop();
}
void Runtime::Stop() {
  impl_->Stop();
}
int Runtime::threads() const {
  return impl_->threads();
}

}  // namespace evprov::ocpp
