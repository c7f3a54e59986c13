// Optional white space (RFC 9110 5.6.3: spaces and tabs) around a field value or a list item,
// trimmed (pure).
#pragma once

#include <string_view>

namespace otrbot::lti {

constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace otrbot::lti
