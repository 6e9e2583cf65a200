// A small in-test "station" for the networked simulator tests: an
// ocpp::Server on loopback (port 0) that validates every message against the
// OCPP 2.0.1 schemas, answers what a charger sends (BootNotification with a
// scripted status sequence, StatusNotification, Heartbeat, NotifyReport,
// SignCertificate, TransactionEvent) and records it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evprov/ocpp/schema.h"
#include "evprov/ocpp/server.h"
#include "evprov/sim/unit.h"

namespace evprov::sim::testing {

using namespace std::chrono_literals;

struct Received {
  std::string identity;
  std::string action;
  nlohmann::json payload;
  int security_profile = 0;
};

struct StationOptions {
  ocpp::SecurityProfile profile = ocpp::SecurityProfile::kBasicAuth;
  ocpp::TlsFiles tls;  // profiles 2, 3
  // Profiles 1, 2: the accepted password (any identity); empty: any password.
  std::string password;
  // BootNotification statuses in order; the last one repeats.
  std::vector<std::string> boot_statuses = {"Accepted"};
  int boot_interval = 300;
  int threads = 1;
  bool record = true;  // false: payloads are not kept (big fleets)
  // Called with every WebSocket handshake (any thread), before the decision.
  std::function<void(const ocpp::HandshakeInfo&)> on_handshake;
};

class TestStation {
 public:
  explicit TestStation(StationOptions options) : options_(std::move(options)) {
    ocpp::ServerOptions o;
    o.profile = options_.profile;
    o.allow_unencrypted_profile1 = true;
    o.tls = options_.tls;
    o.limits.handshake_timeout = 5s;
    o.threads = options_.threads;
    o.max_connections = 20000;
    o.validator = &ocpp::SchemaValidator::Shared(ocpp::OcppVersion::kV201);
    std::string password = options_.password;
    auto auth = [password, hook = options_.on_handshake](const ocpp::HandshakeInfo& info) {
      if (hook) hook(info);
      if (info.profile != ocpp::SecurityProfile::kMutualTls && !password.empty() &&
          info.password != password) {
        return ocpp::AuthDecision::Unauthorized();
      }
      return ocpp::AuthDecision::Accept();
    };
    ocpp::ServerHooks hooks;
    hooks.on_connected = [this](const ocpp::SessionInfo& s) {
      Record({s.identity, "<connected>", nullptr, s.security_profile});
    };
    hooks.on_disconnected = [this](const ocpp::SessionInfo& s, const Status&) {
      Record({s.identity, "<disconnected>", nullptr, s.security_profile});
    };
    server_ = std::make_unique<ocpp::Server>(o, auth, MakeHandlers(), hooks);
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~TestStation() { server_->Stop(); }

  std::string Url(const std::string& path = "/ocpp") const {
    bool tls = options_.profile != ocpp::SecurityProfile::kBasicAuth;
    return std::string(tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(server_->port()) +
           path;
  }
  ocpp::Server& server() { return *server_; }

  // Calls the charger connected as identity and waits for the answer.
  Result<nlohmann::json> Call(const std::string& identity, const std::string& action,
                              const nlohmann::json& payload,
                              std::chrono::milliseconds timeout = 5s) {
    return server_->Call(identity, action, payload, ocpp::CallOptions{timeout}).get();
  }

  std::vector<Received> Of(const std::string& action) const {
    std::lock_guard lock(mu_);
    std::vector<Received> out;
    for (const auto& r : received_) {
      if (r.action == action) out.push_back(r);
    }
    return out;
  }
  // Waits until at least n messages of action were received (bounded).
  bool WaitFor(const std::string& action, std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return counts_[action] >= n; });
  }
  std::size_t count(const std::string& action) const {
    std::lock_guard lock(mu_);
    auto it = counts_.find(action);
    return it == counts_.end() ? 0 : it->second;
  }
  std::size_t boots() const {
    std::lock_guard lock(mu_);
    return boot_index_;
  }

  // Extra handlers for tests (e.g. SignCertificate); set before the unit starts.
  std::function<void(const std::string& identity, const nlohmann::json& csr_request)> on_sign;

 private:
  void Record(Received r) {
    {
      std::lock_guard lock(mu_);
      ++counts_[r.action];
      if (options_.record) received_.push_back(std::move(r));
    }
    cv_.notify_all();
  }

  ocpp::Handlers MakeHandlers() {
    using nlohmann::json;
    ocpp::Handlers h;
    auto record = [this](const ocpp::SessionInfo& s, const std::string& action, const json& p) {
      Record({s.identity, action, options_.record ? p : json(), s.security_profile});
    };
    h.OnSync("BootNotification", [this, record](const ocpp::SessionInfo& s, const json& p) {
      std::string status;
      {
        std::lock_guard lock(mu_);
        std::size_t i = std::min(boot_index_, options_.boot_statuses.size() - 1);
        status = options_.boot_statuses[i];
        ++boot_index_;
      }
      record(s, "BootNotification", p);
      return ocpp::HandlerResult(
          json{{"currentTime", "2026-11-24T05:00:00Z"},
               {"interval", status == "Accepted" ? options_.boot_interval : 1},
               {"status", status}});
    });
    h.OnSync("Heartbeat", [record](const ocpp::SessionInfo& s, const json& p) {
      record(s, "Heartbeat", p);
      return ocpp::HandlerResult(json{{"currentTime", "2026-11-24T05:00:00Z"}});
    });
    for (const char* action : {"StatusNotification", "NotifyReport", "SecurityEventNotification"}) {
      std::string name = action;
      h.OnSync(name, [record, name](const ocpp::SessionInfo& s, const json& p) {
        record(s, name, p);
        return ocpp::HandlerResult(json::object());
      });
    }
    h.OnSync("TransactionEvent", [record](const ocpp::SessionInfo& s, const json& p) {
      record(s, "TransactionEvent", p);
      return ocpp::HandlerResult(json::object());
    });
    h.OnSync("SignCertificate", [this, record](const ocpp::SessionInfo& s, const json& p) {
      record(s, "SignCertificate", p);
      if (on_sign) on_sign(s.identity, p);
      return ocpp::HandlerResult(json{{"status", "Accepted"}});
    });
    return h;
  }

  StationOptions options_;
  std::unique_ptr<ocpp::Server> server_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> received_;
  std::map<std::string, std::size_t> counts_;
  std::size_t boot_index_ = 0;
};

// Waits for a unit's snapshot to satisfy pred; fails with the snapshot on timeout.
inline ::testing::AssertionResult UnitReaches(const Unit& unit,
                                              const std::function<bool(const UnitSnapshot&)>& pred,
                                              std::chrono::milliseconds timeout = 15s) {
  if (unit.WaitFor(pred, timeout)) return ::testing::AssertionSuccess();
  UnitSnapshot s = unit.snapshot();
  return ::testing::AssertionFailure()
         << "unit " << s.hardware_id << ": connected=" << s.connected
         << " registration=" << static_cast<int>(s.registration) << " slot=" << s.slot
         << " boots=" << s.boot_count << " connections=" << s.connections
         << " last_error=" << s.last_error;
}

}  // namespace evprov::sim::testing
