// The bot's lines, through one function, with {name} placeholders (pure; English for now).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace otrbot::i18n {

using args = std::map<std::string, std::string, std::less<>>;

/// Identifiers of the bot's lines.
enum class msg {
  /// The first answer to a whitelisted student.
  greeting,
  /// The status of the unavailable presence sent when a session ends.
  signed_out,
};

/// The text of `id` for `locale` with {placeholders} filled from `values`
/// (unknown placeholders are left as they are). Only English exists until
/// the translations issue; every locale gets it.
std::string text(msg id, std::string_view locale, const args& values);

/// Fills {name} placeholders in `pattern`.
std::string substitute(std::string_view pattern, const args& values);

} // namespace otrbot::i18n
