// Turns a callback-style call into a std::future (for the facades' blocking
// helpers and tests).
#pragma once

#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "evprov/common/status.h"
#include "evprov/ocpp/rpc.h"

namespace evprov::ocpp {

template <typename Start>  // Start: void(CallCallback)
std::future<Result<nlohmann::json>> CallAsFuture(Start&& start) {
  auto promise = std::make_shared<std::promise<Result<nlohmann::json>>>();
  auto future = promise->get_future();
  std::forward<Start>(start)(
      [promise](Result<nlohmann::json> r) { promise->set_value(std::move(r)); });
  return future;
}

}  // namespace evprov::ocpp
