// Loads the TLS policy into the process's OpenSSL configuration and checks that it took hold.
#pragma once

#include "transport/net/tls_policy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace otrbot::xmpp {

struct policy_error {
  bool bad_setting;     ///< true: a setting is wrong (exit 3); false: OpenSSL did not apply it (127)
  std::string message;
};

/// Must run before anything else initialises OpenSSL (libstrophe does in
/// initialize_library()). Every name in `cipher_list` must be known to
/// OpenSSL; afterwards a fresh SSL_CTX must show exactly the policy
/// (minimum version, no TLS 1.2 cipher outside the list, no TLS 1.3 suite
/// outside the list when the list names some), else it fails closed.
std::optional<policy_error> apply_tls_policy(const tls_policy& policy,
                                             const std::vector<std::string>& cipher_list);

} // namespace otrbot::xmpp
