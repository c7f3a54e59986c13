// DNS lookups through glibc's resolver: a host's addresses, and the SRV records of an XMPP
// domain (RFC 6120 3.2.1, RFC 2782).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace otrbot::net {

struct srv_target {
  std::string host;  ///< without the trailing dot
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

/// The addresses `host` resolves to, as numeric text ("192.0.2.1", "2001:db8::1"), in the
/// resolver's order; none, with the resolver's reason in `error`, when it does not resolve.
std::vector<std::string> resolve_addresses(const std::string& host, std::string& error);

/// The SRV records in a DNS answer (the wire format res_query returns), lowest priority first
/// (the order RFC 2782 tries them; equal priorities keep the answer's order). A malformed
/// answer gives what could be read before the damage.
std::vector<srv_target> parse_srv_answer(const unsigned char* answer, int length);

/// `_xmpp-client._tcp.<domain>`'s targets, or none (no record, or no answer).
std::vector<srv_target> xmpp_client_srv(const std::string& domain);

} // namespace otrbot::net
