// Host and port parsing.
#include "transport/net/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace otrbot::net {

std::optional<host_port> parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return std::nullopt;  // an IPv6 literal needs brackets
  }
  if (host.empty() || port.empty())
    return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
    return std::nullopt;
  return host_port{std::string{host}, static_cast<std::uint16_t>(value)};
}

bool is_loopback(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost" || lower == "localhost.")
    return true;
  in_addr v4{};
  if (inet_pton(AF_INET, lower.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, lower.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

namespace {

bool public_v4(const unsigned char* a) {
  if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224)  // this, private, loopback, multicast+
    return false;
  if ((a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168))  // private
    return false;
  if ((a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xc0) == 64))  // link-local, shared
    return false;
  return !(a[0] == 192 && a[1] == 0 && a[2] == 0);  // IETF protocol assignments
}

} // namespace

bool is_public_ip(std::string_view ip) {
  std::string text{ip};
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  unsigned char a[16] = {};
  if (inet_pton(AF_INET, text.c_str(), a) == 1)
    return public_v4(a);
  if (inet_pton(AF_INET6, text.c_str(), a) != 1)
    return false;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, mapped, 12) == 0)
    return public_v4(a + 12);
  bool zero = std::all_of(a, a + 15, [](unsigned char c) { return c == 0; });
  if (zero && (a[15] == 0 || a[15] == 1))  // :: and ::1
    return false;
  if ((a[0] & 0xfe) == 0xfc || a[0] == 0xff)  // unique local, multicast
    return false;
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)  // link-local
    return false;
  return true;
}

bool is_http_url(std::string_view url) {
  auto starts = [url](std::string_view prefix) {
    if (url.size() < prefix.size())
      return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i])
        return false;
    return true;
  };
  return starts("http://") || starts("https://");
}

} // namespace otrbot::net
