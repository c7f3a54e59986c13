// Redaction of raw XMPP traffic before it reaches a log.
#include "transport/xmpp/wire_log.hpp"

#include <cctype>

namespace otrbot::xmpp {
namespace {

/// True when `s` at `pos` opens an element named `tag` ("<tag" followed by
/// '>', '/', or whitespace).
bool opens(std::string_view s, std::size_t pos, std::string_view tag) {
  if (s.compare(pos + 1, tag.size(), tag) != 0)
    return false;
  auto after = pos + 1 + tag.size();
  if (after >= s.size())
    return false;
  char c = s[after];
  return c == '>' || c == '/' || std::isspace(static_cast<unsigned char>(c));
}

/// Rewrites the text content of every <tag ...>content</tag> in `s` with
/// `rewrite(content)`. Elements without a closing tag in this line (a stanza
/// cut in two) have everything after their start tag rewritten.
template <class Rewrite>
std::string rewrite_elements(std::string_view s, std::string_view tag, Rewrite rewrite) {
  std::string out;
  out.reserve(s.size());
  std::string close = "</" + std::string{tag} + ">";
  std::size_t pos = 0;
  while (pos < s.size()) {
    auto lt = s.find('<', pos);
    if (lt == std::string_view::npos) {
      out.append(s.substr(pos));
      break;
    }
    if (!opens(s, lt, tag)) {
      out.append(s.substr(pos, lt + 1 - pos));
      pos = lt + 1;
      continue;
    }
    auto gt = s.find('>', lt);
    if (gt == std::string_view::npos) {
      out.append(s.substr(pos));
      break;
    }
    out.append(s.substr(pos, gt + 1 - pos));
    if (s[gt - 1] == '/') {  // <tag/>: nothing inside
      pos = gt + 1;
      continue;
    }
    auto end = s.find(close, gt + 1);
    auto content = s.substr(gt + 1, end == std::string_view::npos ? s.npos : end - gt - 1);
    out.append(rewrite(content));
    if (end == std::string_view::npos)
      break;
    out.append(close);
    pos = end + close.size();
  }
  return out;
}

std::string redacted(std::string_view content) {
  return content.empty() ? std::string{} : std::string{"[redacted]"};
}

} // namespace

std::string sanitize_wire_line(std::string_view line, const wire_log_options& opts) {
  std::string s{line};
  // RFC 6120 6.4: SASL <auth/>, <response/>, <challenge/> and <success/> carry
  // credentials or proofs; XEP-0078 carries a <password/>.
  for (std::string_view tag : {"auth", "response", "challenge", "success", "password"})
    s = rewrite_elements(s, tag, redacted);
  if (!opts.log_user_msgs)
    s = rewrite_elements(s, "body", [](std::string_view c) {
      return c.empty() ? std::string{} : std::string{"[message redacted]"};
    });
  auto truncate = [&](std::string_view c) {
    if (c.size() <= opts.avatar_keep)
      return std::string{c};
    return std::string{c.substr(0, opts.avatar_keep)} + "...[" +
           std::to_string(c.size() - opts.avatar_keep) + " bytes truncated]";
  };
  s = rewrite_elements(s, "data", truncate);
  s = rewrite_elements(s, "BINVAL", truncate);
  if (s.size() > opts.max_line) {
    auto dropped = s.size() - opts.max_line;
    s.resize(opts.max_line);
    s += "...[" + std::to_string(dropped) + " bytes truncated]";
  }
  return s;
}

} // namespace otrbot::xmpp

namespace otrbot::xmpp {

bool is_tls_policy_reason(std::string_view line) {
  for (std::string_view reason :
       {"protocol version", "unsupported protocol", "no shared cipher", "handshake failure",
        "no ciphers available", "no protocols available", "wrong version number",
        "version too low", "insufficient security"})
    if (line.find(reason) != std::string_view::npos)
      return true;
  return false;
}

} // namespace otrbot::xmpp
