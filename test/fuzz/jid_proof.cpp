// A chat message from a claimed JID: whether it carries a claim's word. Never crashes, and agrees
// with a plain reading (split on anything but ASCII letters and digits, compare in upper case).
#include "actors/rules/jid_claims.hpp"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out{""};
  for (unsigned char c : text) {
    if (c < 128 && std::isalnum(c))
      out.back() += static_cast<char>(std::toupper(c));
    else if (!out.back().empty())
      out.emplace_back();
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text{reinterpret_cast<const char*>(data), size};
  // The first line is the word, the rest the message.
  auto nl = text.find('\n');
  auto word = text.substr(0, nl == std::string::npos ? 0 : nl);
  auto body = nl == std::string::npos ? text : text.substr(nl + 1);
  bool plain = false;
  auto want = words_of(word);
  if (want.size() == 1 && !want[0].empty() && want[0].size() == word.size())
    for (const auto& w : words_of(body))
      plain = plain || w == want[0];
  if (otrbot::carries_word(body, word) != plain && !word.empty() && want.size() == 1 &&
      want[0].size() == word.size())
    std::abort();
  // A claim with that word binds only when the message carries it.
  otrbot::jid_claims claims;
  claims.claim({otrbot::xmpp::bare_jid{otrbot::xmpp::jid{"dave", "example.org", ""}}, "visit", word, "en_GB", "LMS user", false, {}, 100}, 0);
  if (claims.prove("dave@example.org", body, 1).has_value() != otrbot::carries_word(body, word))
    std::abort();
  return 0;
}
