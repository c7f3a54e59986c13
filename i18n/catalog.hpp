// Message catalogs: gettext .mo files read per locale (no process-global gettext), ICU
// MessageFormat for named placeholders and plurals, ICU LocaleMatcher to pick a catalog (pure).
#pragma once

#include "i18n/mark.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::i18n {


/// One locale's translations: msgid -> msgstr, read from a .mo file.
class catalog {
public:
  /// Parses the bytes of a GNU .mo file (either byte order); nullopt when
  /// they are not one. Fuzzy entries are not in .mo files; empty msgstrs
  /// are skipped, so their msgids fall back to the source text.
  static std::optional<catalog> parse(std::string_view bytes);
  /// The translation of `msgid`, or nullptr.
  const std::string* find(std::string_view msgid) const;
  std::size_t size() const { return entries_.size(); }
  /// Every msgid that has a translation.
  std::vector<std::string> msgids() const;

private:
  std::map<std::string, std::string, std::less<>> entries_;
};

/// Fills an ICU MessageFormat pattern ("{name}", "{n, plural, one {# minute}
/// other {# minutes}}") with named values; a value that looks like an
/// integer is passed as a number (for plurals). On a broken pattern, the
/// pattern itself comes back, so a bad translation never loses a line.
std::string format(std::string_view pattern, std::string_view locale,
                   const std::map<std::string, std::string, std::less<>>& values);

/// Every catalog the bot ships, and how to choose among them.
class catalogs {
public:
  /// `source_locale` (en_GB: the msgids are its text) is always available,
  /// with or without a catalog of its own. (Files: see catalog_files.hpp.)
  catalogs(std::string source_locale, std::map<std::string, catalog> by_locale);

  /// The available locale names (ll_CC), the source locale included.
  std::vector<std::string> locales() const;
  /// The best available locale for `requested` (BCP 47 or ll_CC: nl-BE ->
  /// nl_NL, en-US -> en_GB), with ICU's LocaleMatcher; `fallback` when
  /// nothing fits (or it is empty).
  std::string best_match(std::string_view requested, const std::string& fallback) const;
  /// `msgid` in `locale` (the source text when there is no translation),
  /// formatted with `values`.
  std::string text(std::string_view locale, std::string_view msgid,
                   const std::map<std::string, std::string, std::less<>>& values = {}) const;
  /// Different for every set of catalogs made in this process (a copy keeps it: the same
  /// texts), so that what was rendered from one set is never taken for another's.
  std::uint64_t serial() const { return serial_; }

private:
  std::string source_;
  std::map<std::string, catalog> by_locale_;
  std::uint64_t serial_;
};

} // namespace otrbot::i18n
