// StepContext: how a step talks to its charger.
#include <atomic>
#include <boost/asio/use_awaitable.hpp>

#include "ocpp/server_impl.h"
#include "pipeline/checks.h"
#include "pipeline/steps.h"

namespace evprov::pipeline {
namespace {

// SetVariables items per request (the sim allows 50; OCPP's default ItemsPerMessage is often 20).
constexpr std::size_t kItemsPerRequest = 20;

int NextRequestId() {
  static std::atomic<int> next{1};
  return next.fetch_add(1) % 1000000000;
}

}  // namespace

asio::awaitable<Result<nlohmann::json>> StepContext::Call(std::string_view action,
                                                          nlohmann::json payload) {
  const Connection& c = channel.connection();
  std::string name(action);
  if (!c.connected || c.server == nullptr) {
    co_return Status::Unavailable(name + ": the charger is not connected");
  }
  ocpp::CallOptions options;
  options.timeout = limits.timeout;
  auto result = co_await c.server->impl().Call(c.identity, name, std::move(payload), options);
  if (!result.ok())
    co_return Status(result.status().code(), name + ": " + result.status().message());
  co_return result;
}

asio::awaitable<Result<nlohmann::json>> StepContext::CallAccepted(std::string_view what,
                                                                  std::string_view action,
                                                                  nlohmann::json payload,
                                                                  std::string_view also_ok) {
  std::string name(action);
  auto result = co_await Call(action, std::move(payload));
  if (!result.ok()) {
    co_return Status(result.status().code(), std::string(what) + ": " + result.status().message());
  }
  std::string status = result->value("status", "");
  if (status == "Accepted" || (!also_ok.empty() && status == also_ok)) co_return result;
  std::string message = std::string(what) + ": " + name + " was " + status;
  if (result->contains("statusInfo")) {
    const auto& info = (*result)["statusInfo"];
    message += " (" + info.value("reasonCode", "");
    if (info.contains("additionalInfo")) message += ": " + info.value("additionalInfo", "");
    message += ")";
  }
  co_return Status::FailedPrecondition(message);
}

asio::awaitable<Status> StepContext::SetVariables(
    std::string_view what, const std::vector<catalog::VariableSetting>& items) {
  for (std::size_t begin = 0; begin < items.size(); begin += kItemsPerRequest) {
    std::size_t end = std::min(items.size(), begin + kItemsPerRequest);
    std::vector<catalog::VariableSetting> chunk(items.begin() + static_cast<long>(begin),
                                                items.begin() + static_cast<long>(end));
    nlohmann::json request = SetVariablesRequest(chunk);
    auto result = co_await Call("SetVariables", std::move(request));
    if (!result.ok()) {
      co_return Status(result.status().code(),
                       std::string(what) + ": " + result.status().message());
    }
    PIPELINE_CO_TRY(CheckSetVariablesResult(what, chunk, *result));
  }
  co_return Status::Ok();
}

asio::awaitable<Result<std::vector<nlohmann::json>>> StepContext::FullReport(
    std::string_view what) {
  channel.Discard(EventKind::kReport);
  const int request_id = NextRequestId();
  nlohmann::json request = GetBaseReportRequest(request_id);
  auto asked = co_await CallAccepted(what, "GetBaseReport", std::move(request));
  if (!asked.ok()) co_return asked.status();
  std::map<int, nlohmann::json> parts;
  bool complete = false;
  int last = -1;
  while (!complete) {
    auto event = co_await channel.Wait(
        [request_id](const Event& e) {
          return e.kind == EventKind::kReport && e.payload.value("requestId", -1) == request_id;
        },
        limits.timeout);
    if (!event) {
      co_return Status::DeadlineExceeded(std::string(what) +
                                         ": NotifyReport parts did not all arrive");
    }
    int seq = event->payload.value("seqNo", 0);
    if (!event->payload.value("tbc", false)) last = seq;
    nlohmann::json& data = parts[seq];
    if (auto it = event->payload.find("reportData"); it != event->payload.end()) {
      data = std::move(*it);
    } else {
      data = nlohmann::json::array();
    }
    complete = last >= 0 && static_cast<int>(parts.size()) == last + 1;
  }
  std::vector<nlohmann::json> entries;
  for (auto& [seq, data] : parts) {
    for (auto& entry : data) entries.push_back(std::move(entry));
  }
  co_return entries;
}

}  // namespace evprov::pipeline
