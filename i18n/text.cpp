// English lines of the bot.
#include "i18n/text.hpp"

namespace otrbot::i18n {

std::string substitute(std::string_view pattern, const args& values) {
  std::string out;
  out.reserve(pattern.size());
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    auto open = pattern.find('{', pos);
    if (open == std::string_view::npos) {
      out.append(pattern.substr(pos));
      break;
    }
    auto close = pattern.find('}', open);
    if (close == std::string_view::npos) {
      out.append(pattern.substr(pos));
      break;
    }
    out.append(pattern.substr(pos, open - pos));
    auto name = pattern.substr(open + 1, close - open - 1);
    if (auto it = values.find(name); it != values.end())
      out.append(it->second);
    else
      out.append(pattern.substr(open, close - open + 1));
    pos = close + 1;
  }
  return out;
}

std::string text(msg id, std::string_view /*locale*/, const args& values) {
  std::string_view pattern;
  switch (id) {
    case msg::greeting:
      pattern = "Hello! I am {bot_title}, {bot_description}. I am here for {project_name}: "
                "together we will set up a private, verified chat with Off-the-Record (OTR) "
                "encryption.";
      break;
    case msg::signed_out:
      pattern = "Your session has ended. You can start a new one from {project_name}.";
      break;
  }
  return substitute(pattern, values);
}

} // namespace otrbot::i18n
