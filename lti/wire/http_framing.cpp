#include "lti/wire/http_framing.hpp"
#include "lti/wire/ows.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace otrbot::lti {
namespace {

constexpr std::string_view crlf = "\r\n";

/// RFC 9110 5.6.2: the characters of a token (method and field names).
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)))
    return true;
  return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// The methods Pistache's parser knows; any other would get its error, not ours.
bool known_method(std::string_view m) {
  constexpr std::array<std::string_view, 9> known{"GET", "HEAD", "POST", "PUT", "DELETE",
                                                  "OPTIONS", "TRACE", "CONNECT", "PATCH"};
  return std::find(known.begin(), known.end(), m) != known.end();
}

framing_error bad(std::string reason) { return {400, std::move(reason)}; }

} // namespace

std::optional<framing_error> request_framer::check_head() {
  std::string_view head{head_};
  head.remove_suffix(2 * crlf.size());  // the empty line
  auto line_end = head.find(crlf);
  auto request_line = head.substr(0, line_end);
  head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);

  // request-line = method SP request-target SP HTTP-version (RFC 9112 3)
  auto sp1 = request_line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos)
    return bad("malformed request line");
  auto method = request_line.substr(0, sp1);
  auto target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = request_line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() ||
      !std::all_of(target.begin(), target.end(), [](char c) { return c > ' ' && c < 0x7f; }))
    return bad("malformed request line");
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return version.starts_with("HTTP/") ? framing_error{505, "HTTP version not supported"}
                                        : bad("malformed request line");
  if (!known_method(method))
    return framing_error{501, "method not implemented"};

  std::size_t fields = 0, hosts = 0;
  bool transfer_encoding = false;
  std::optional<std::string_view> length;
  while (!head.empty()) {
    line_end = head.find(crlf);
    auto line = head.substr(0, line_end);
    head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
    if (++fields > limits_.max_header_fields)
      return framing_error{431, "too many header fields"};
    if (line.empty() || line.front() == ' ' || line.front() == '\t')
      return bad("folded or empty header line");  // obs-fold is refused (RFC 9112 5.2)
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
      return bad("malformed header field");  // no whitespace before the colon (RFC 9112 5.1)
    auto name = line.substr(0, colon);
    auto value = trim_ows(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        }))
      return bad("control character in a header field");
    if (iequals(name, "Host"))
      ++hosts;
    else if (iequals(name, "Transfer-Encoding"))
      transfer_encoding = true;
    else if (iequals(name, "Content-Length")) {
      // Several fields, or a list, must all say the same (RFC 9112 6.3, item 5).
      while (true) {
        auto comma = value.find(',');
        auto one = trim_ows(value.substr(0, comma));
        if (one.empty() || !std::all_of(one.begin(), one.end(), [](char c) { return c >= '0' && c <= '9'; }))
          return bad("invalid Content-Length");
        if (length && *length != one)
          return bad("conflicting Content-Length fields");
        length = one;
        if (comma == std::string_view::npos)
          break;
        value.remove_prefix(comma + 1);
      }
    }
  }
  if (version == "HTTP/1.1" && hosts != 1)
    return bad("an HTTP/1.1 request needs exactly one Host field");
  if (transfer_encoding)
    return length ? bad("both Transfer-Encoding and Content-Length")
                  : framing_error{501, "Transfer-Encoding is not supported; send Content-Length"};
  body_left_ = 0;
  if (length) {
    auto digits = length->substr(std::min(length->find_first_not_of('0'), length->size()));
    if (digits.size() > 9)
      return framing_error{413, "request body too large"};
    for (char c : digits)
      body_left_ = body_left_ * 10 + static_cast<std::size_t>(c - '0');
    if (body_left_ > limits_.max_body_bytes)
      return framing_error{413, "request body too large"};
  }
  return std::nullopt;
}

request_framer::step request_framer::feed(std::string_view bytes) {
  step s;
  if (!in_body_) {
    const std::size_t before = head_.size();
    const std::size_t room = limits_.max_header_bytes + 1 - std::min(before, limits_.max_header_bytes + 1);
    head_.append(bytes.substr(0, room));
    auto end = head_.find("\r\n\r\n", before < 3 ? 0 : before - 3);
    if (end == std::string::npos || end + 4 > limits_.max_header_bytes) {
      if (head_.size() > limits_.max_header_bytes)
        s.error = framing_error{431, "request header fields too large"};
      else
        s.take = bytes.size();
      return s;
    }
    head_.resize(end + 4);
    if ((s.error = check_head()))
      return s;
    s.take = head_.size() - before;
    in_body_ = true;
  }
  const std::size_t body = std::min(body_left_, bytes.size() - s.take);
  body_left_ -= body;
  s.take += body;
  if (body_left_ == 0) {
    s.complete = true;
    head_.clear();
    in_body_ = false;
  }
  return s;
}

} // namespace otrbot::lti
