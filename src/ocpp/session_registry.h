// The server's open sessions by identity (the station calls a connected
// charger by its identity). A newer connection with the same identity
// replaces the older one, which the caller then closes.
//
// Thread-safety: all methods are safe from any thread (one mutex).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace evprov::ocpp {

class RpcSession;

class SessionRegistry {
 public:
  // Returns the session it replaced, if any.
  std::shared_ptr<RpcSession> Add(const std::string& identity, std::shared_ptr<RpcSession> s);
  // Removes identity only if it still maps to s; true if removed.
  bool Remove(const std::string& identity, const RpcSession* s);
  std::shared_ptr<RpcSession> Find(std::string_view identity) const;
  std::vector<std::shared_ptr<RpcSession>> All() const;
  std::vector<std::string> Identities() const;
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<RpcSession>, std::less<>> sessions_;
};

}  // namespace evprov::ocpp
