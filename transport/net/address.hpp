// Host and port parsing, and the loopback test that guards insecure settings (pure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::net {

struct host_port {
  std::string host;  ///< without brackets for IPv6 literals
  std::uint16_t port = 0;
  friend bool operator==(const host_port&, const host_port&) = default;
};

/// Parses "host:port" or "[v6]:port"; the port must be 1-65535.
std::optional<host_port> parse_host_port(std::string_view text);

/// True for "localhost", 127.0.0.0/8 and ::1 (any case, optional brackets).
bool is_loopback(std::string_view host);

/// True for an IP address (v4 or v6 literal) that is reachable on the public
/// internet: false for loopback, private (RFC 1918, fc00::/7), shared
/// (100.64.0.0/10), link-local, unspecified, multicast and broadcast
/// addresses (IPv4-mapped IPv6 addresses are judged as IPv4), and for
/// anything that is not an IP literal.
bool is_public_ip(std::string_view ip);

/// True when `url` starts with "http://" or "https://" (any case).
bool is_http_url(std::string_view url);

} // namespace otrbot::net
