// OAuth 1.0a signatures with liboauth's HMAC-SHA1 and constant-time comparison.
#include "lti/wire/oauth1.hpp"
#include "transport/base/base64.hpp"
#include "transport/base/hex.hpp"

#include <cstddef>  // oauth.h uses size_t without including it
#include <oauth.h>

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

namespace otrbot::lti {
namespace {

struct c_free {
  void operator()(char* p) const noexcept { std::free(p); }
};
using c_string = std::unique_ptr<char, c_free>;

} // namespace

std::string percent_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      append_hex(out, c, true);
    }
  }
  return out;
}

std::string percent_decode(std::string_view s, bool plus_is_space, bool& ok) {
  std::string out;
  out.reserve(s.size());
  ok = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        ok = false;
        return {};
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

bool parse_form(std::string_view text, params& out) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto amp = text.find('&', pos);
    auto part = text.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      auto eq = part.find('=');
      bool ok1 = true, ok2 = true;
      auto name = percent_decode(part.substr(0, eq), true, ok1);
      auto value = eq == std::string_view::npos ? std::string{}
                                                : percent_decode(part.substr(eq + 1), true, ok2);
      if (!ok1 || !ok2)
        return false;
      out.emplace_back(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos)
      break;
    pos = amp + 1;
  }
  return true;
}

std::string base_string_uri(std::string_view scheme, std::string_view host_and_port,
                            std::string_view path) {
  auto lower = [](std::string_view s) {
    std::string out{s};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  auto sch = lower(scheme);
  auto host = lower(host_and_port);
  auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    auto port = host.substr(colon + 1);
    if ((sch == "http" && port == "80") || (sch == "https" && port == "443"))
      host.resize(colon);
  }
  return sch + "://" + host + (path.empty() ? std::string{"/"} : std::string{path});
}

std::string signature_base_string(std::string_view method, std::string_view base_uri,
                                  const params& all) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : all)
    if (k != "oauth_signature")
      encoded.emplace_back(percent_encode(k), percent_encode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string normalised;
  for (const auto& [k, v] : encoded) {
    if (!normalised.empty())
      normalised += '&';
    normalised += k + "=" + v;
  }
  std::string m{method};
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return m + "&" + percent_encode(base_uri) + "&" + percent_encode(normalised);
}

std::string hmac_sha1(const std::string& base_string, std::string_view consumer_secret,
                      std::string_view token_secret) {
  auto key = percent_encode(consumer_secret) + "&" + percent_encode(token_secret);
  c_string sig{oauth_sign_hmac_sha1_raw(base_string.data(), base_string.size(), key.data(),
                                        key.size())};
  return sig ? std::string{sig.get()} : std::string{};
}

bool verify_hmac_sha1(std::string_view method, std::string_view base_uri, const params& all,
                      std::string_view consumer_secret) {
  if (count_of(all, "oauth_signature") != 1)
    return false;
  auto given = value_of(all, "oauth_signature");
  auto expected = hmac_sha1(signature_base_string(method, base_uri, all), consumer_secret);
  return !expected.empty() &&
         oauth_time_independent_equals_n(given.data(), expected.data(), given.size(),
                                         expected.size()) != 0;
}

std::string value_of(const params& all, std::string_view name) {
  for (const auto& [k, v] : all)
    if (k == name)
      return v;
  return {};
}

std::size_t count_of(const params& all, std::string_view name) {
  return static_cast<std::size_t>(
    std::count_if(all.begin(), all.end(), [&](const param& p) { return p.first == name; }));
}

std::string body_hash(std::string_view body) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  return base64::encode({reinterpret_cast<const char*>(digest), sizeof digest});
}

std::string authorization_header(std::string_view method, std::string_view url,
                                 std::string_view body, std::string_view consumer_key,
                                 std::string_view consumer_secret, std::string_view nonce,
                                 long long timestamp) {
  params oauth{{"oauth_body_hash", body_hash(body)},
               {"oauth_consumer_key", std::string{consumer_key}},
               {"oauth_nonce", std::string{nonce}},
               {"oauth_signature_method", "HMAC-SHA1"},
               {"oauth_timestamp", std::to_string(timestamp)},
               {"oauth_version", "1.0"}};
  // The query of the URL is signed too (RFC 5849 3.4.1.3.1).
  auto q = url.find('?');
  params all = oauth;
  std::string_view base_url = url.substr(0, q);
  if (q != std::string_view::npos)
    parse_form(url.substr(q + 1), all);
  auto scheme_end = base_url.find("://");
  auto host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  auto path_start = base_url.find('/', host_start);
  auto uri = base_string_uri(base_url.substr(0, scheme_end),
                             base_url.substr(host_start, path_start - host_start),
                             path_start == std::string_view::npos ? "/" : base_url.substr(path_start));
  oauth.emplace_back("oauth_signature",
                     hmac_sha1(signature_base_string(method, uri, all), consumer_secret));
  std::string header = "OAuth realm=\"\"";
  for (const auto& [k, v] : oauth)
    header += ", " + k + "=\"" + percent_encode(v) + "\"";
  return header;
}

} // namespace otrbot::lti
