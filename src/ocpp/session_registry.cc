#include "ocpp/session_registry.h"

#include "ocpp/session.h"

namespace evprov::ocpp {

std::shared_ptr<RpcSession> SessionRegistry::Add(const std::string& identity,
                                                 std::shared_ptr<RpcSession> s) {
  std::lock_guard lock(mu_);
  auto& slot = sessions_[identity];
  std::swap(slot, s);
  return s;
}

bool SessionRegistry::Remove(const std::string& identity, const RpcSession* s) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(identity);
  if (it == sessions_.end() || it->second.get() != s) return false;
  sessions_.erase(it);
  return true;
}

std::shared_ptr<RpcSession> SessionRegistry::Find(std::string_view identity) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(identity);
  return it == sessions_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<RpcSession>> SessionRegistry::All() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<RpcSession>> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) out.push_back(s);
  return out;
}

std::vector<std::string> SessionRegistry::Identities() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) out.push_back(id);
  return out;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace evprov::ocpp
