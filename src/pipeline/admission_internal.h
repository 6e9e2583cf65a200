// Internal helpers shared by the admission sources (not a public contract).
#pragma once

#include <string>
#include <string_view>

#include "evprov/pki/credentials.h"

namespace evprov::pipeline::internal {

// The stored keyed hash of a bootstrap secret (domain-separated from unit
// passwords under the same station secret).
std::string BootstrapHash(const pki::StationSecret& secret, std::string_view bootstrap_secret);

}  // namespace evprov::pipeline::internal
