// The unit's journey as data: one row per step, in order.
#include "pipeline/steps.h"

namespace evprov::pipeline {
namespace {

using E = StepEndpoint;
using S = StepId;

const std::vector<Transition> kTable = {
    // step              name            function         next on success     endpoint
    {S::kAdmit, "admit", &RunAdmit, S::kIdentify, E::kFactory},
    {S::kIdentify, "identify", &RunIdentify, S::kReadBack, E::kFactory},
    {S::kReadBack, "read_back", &RunReadBack, S::kFirmware, E::kAny},
    {S::kFirmware, "firmware", &RunFirmware, S::kIdentity, E::kAny},
    {S::kIdentity, "identity", &RunIdentity, S::kConfigure, E::kAny},
    {S::kConfigure, "configure", &RunConfigure, S::kCredentials, E::kAny},
    {S::kCredentials, "credentials", &RunCredentials, S::kCertificates, E::kAny},
    {S::kCertificates, "certificates", &RunCertificates, S::kNetwork, E::kAny},
    {S::kNetwork, "network", &RunNetwork, S::kValidate, E::kAny},
    {S::kValidate, "validate", &RunValidate, S::kFinalize, E::kValidation},
    {S::kFinalize, "finalize", &RunFinalize, std::nullopt, E::kValidation},
};

}  // namespace

const std::vector<Transition>& TransitionTable() {
  return kTable;
}

const Transition& TransitionOf(StepId step) {
  return kTable.at(static_cast<std::size_t>(step));
}

std::optional<StepId> ParseStep(std::string_view name) {
  for (const auto& t : kTable) {
    if (t.name == name) return t.step;
  }
  return std::nullopt;
}

const std::vector<std::string>& StepNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    out.reserve(kTable.size());
    for (const auto& t : kTable) out.emplace_back(t.name);
    return out;
  }();
  return kNames;
}

bool IsTransient(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kAborted:
    case StatusCode::kNotFound:
      return true;
    case StatusCode::kOk:
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
    case StatusCode::kInternal:
      return false;
  }
  return false;
}

StepLimits Services::LimitsFor(std::string_view step) const {
  auto it = options->step_limits.find(std::string(step));
  return it != options->step_limits.end() ? it->second : options->default_limits;
}

}  // namespace evprov::pipeline
