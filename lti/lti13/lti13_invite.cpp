// Registration invites.
#include "lti/lti13/lti13_invite.hpp"

#include "lti/wire/token.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace otrbot::lti13 {
namespace {

constexpr std::string_view prefix = "otrbot-invite:";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

} // namespace

bool valid_invite_host(const std::string& host) {
  return !host.empty() && host.size() <= 253 &&
         std::all_of(host.begin(), host.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '-' || c == '[' || c == ']';
         });
}

std::string make_invite(std::string_view key, std::int64_t expires, const std::string& host) {
  // "<id> <expiry> <host>": the host last, so that an empty one needs no escaping.
  auto payload = lti::random_hex(12) + " " + std::to_string(expires) + " " + lower(host);
  return std::string{prefix} + lti::seal(payload, key);
}

std::optional<invite> read_invite(std::string_view text, std::string_view key, std::int64_t now) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (!text.starts_with(prefix))
    return std::nullopt;
  auto payload = lti::unseal(text.substr(prefix.size()), key);
  if (!payload)
    return std::nullopt;
  auto first = payload->find(' ');
  auto second = first == std::string::npos ? first : payload->find(' ', first + 1);
  if (second == std::string::npos)
    return std::nullopt;
  invite out;
  out.id = payload->substr(0, first);
  auto expiry = std::string_view{*payload}.substr(first + 1, second - first - 1);
  auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), out.expires);
  if (ec != std::errc{} || end != expiry.data() + expiry.size() || out.id.empty() ||
      out.expires <= now)
    return std::nullopt;
  out.host = payload->substr(second + 1);
  return out;
}

} // namespace otrbot::lti13
