// .mo reading, ICU MessageFormat and LocaleMatcher.
#include "i18n/catalog.hpp"

#include <unicode/fmtable.h>
#include <unicode/localematcher.h>
#include <unicode/msgfmt.h>

#include <atomic>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

namespace otrbot::i18n {
namespace {

std::uint32_t read32(std::string_view b, std::size_t at, bool swap) {
  std::uint32_t v = 0;
  std::memcpy(&v, b.data() + at, 4);
  return swap ? __builtin_bswap32(v) : v;
}

icu::Locale to_icu(std::string_view name) {
  std::string s{name};
  for (auto& c : s)
    if (c == '-')
      c = '_';
  return icu::Locale::createCanonical(s.c_str());
}

/// The pattern parsed for the locale, kept per thread (ICU's formats are not shared between
/// threads); nullptr when ICU refuses the pattern. The patterns are the catalogs' (a few hundred
/// per language); the cache is emptied should it ever hold more than that.
const icu::MessageFormat* parsed(std::string_view pattern, std::string_view locale) {
  thread_local std::map<std::pair<std::string, std::string>, std::unique_ptr<icu::MessageFormat>,
                        std::less<>>
    cache;
  auto key = std::make_pair(std::string{locale}, std::string{pattern});
  if (auto it = cache.find(key); it != cache.end())
    return it->second.get();
  if (cache.size() >= 4096)
    cache.clear();
  UErrorCode status = U_ZERO_ERROR;
  auto upattern =
    icu::UnicodeString::fromUTF8(icu::StringPiece(pattern.data(), static_cast<int32_t>(pattern.size())));
  auto mf = std::make_unique<icu::MessageFormat>(upattern, to_icu(locale), status);
  if (U_FAILURE(status))
    mf.reset();
  return cache.emplace(std::move(key), std::move(mf)).first->second.get();
}

} // namespace

std::optional<catalog> catalog::parse(std::string_view b) {
  // GNU gettext .mo layout: magic, revision, N, offset of originals,
  // offset of translations; each table holds N (length, offset) pairs.
  if (b.size() < 28)
    return std::nullopt;
  std::uint32_t magic = 0;
  std::memcpy(&magic, b.data(), 4);
  bool swap = magic == 0xde120495;
  if (magic != 0x950412de && !swap)
    return std::nullopt;
  auto n = read32(b, 8, swap);
  auto orig = read32(b, 12, swap);
  auto trans = read32(b, 16, swap);
  if (n > b.size() / 16 || orig > b.size() || trans > b.size() ||
      static_cast<std::size_t>(orig) + std::size_t{n} * 8 > b.size() ||
      static_cast<std::size_t>(trans) + std::size_t{n} * 8 > b.size())
    return std::nullopt;
  catalog c;
  for (std::uint32_t i = 0; i < n; ++i) {
    auto olen = read32(b, orig + i * 8, swap), ooff = read32(b, orig + i * 8 + 4, swap);
    auto tlen = read32(b, trans + i * 8, swap), toff = read32(b, trans + i * 8 + 4, swap);
    if (std::size_t{ooff} + olen > b.size() || std::size_t{toff} + tlen > b.size())
      return std::nullopt;
    std::string id{b.substr(ooff, olen)};
    std::string str{b.substr(toff, tlen)};
    if (id.empty() || str.empty())
      continue;  // the header entry, or an untranslated message
    // Plural entries carry "id\0plural" and "str0\0str1": ICU plurals are used instead.
    id = id.substr(0, id.find('\0'));
    str = str.substr(0, str.find('\0'));
    c.entries_.emplace(std::move(id), std::move(str));
  }
  return c;
}

std::vector<std::string> catalog::msgids() const {
  std::vector<std::string> out;
  for (const auto& [id, str] : entries_)
    out.push_back(id);
  return out;
}

const std::string* catalog::find(std::string_view msgid) const {
  auto it = entries_.find(msgid);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string format(std::string_view pattern, std::string_view locale,
                   const std::map<std::string, std::string, std::less<>>& values) {
  // Nothing for ICU to do (no argument, no quoting): the text is the pattern. Most lines of
  // the pages are such, and parsing each again at every page cost half of a launch's work.
  if (pattern.find_first_of("{}'") == std::string_view::npos)
    return std::string{pattern};
  UErrorCode status = U_ZERO_ERROR;
  const icu::MessageFormat* mf = parsed(pattern, locale);
  if (!mf)
    return std::string{pattern};
  std::vector<icu::UnicodeString> names;
  std::vector<icu::Formattable> args;
  for (const auto& [k, v] : values) {
    if (pattern.find(k) == std::string_view::npos)
      continue;  // not named in this pattern (a cheap test: a name found may still be text)
    names.push_back(icu::UnicodeString::fromUTF8(k));
    long long number = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
    if (!v.empty() && ec == std::errc{} && end == v.data() + v.size())
      args.emplace_back(static_cast<int64_t>(number));
    else
      args.emplace_back(icu::UnicodeString::fromUTF8(v));
  }
  icu::UnicodeString out;
  mf->format(names.data(), args.data(), static_cast<int32_t>(args.size()), out, status);
  if (U_FAILURE(status))
    return std::string{pattern};
  std::string result;
  out.toUTF8String(result);
  return result;
}

catalogs::catalogs(std::string source_locale, std::map<std::string, catalog> by_locale)
  : source_(std::move(source_locale)), by_locale_(std::move(by_locale)) {
  static std::atomic<std::uint64_t> made{0};
  serial_ = ++made;
}

std::vector<std::string> catalogs::locales() const {
  std::vector<std::string> out{source_};
  for (const auto& [name, c] : by_locale_)
    if (name != source_)
      out.push_back(name);
  return out;
}

std::string catalogs::best_match(std::string_view requested, const std::string& fallback) const {
  if (requested.empty())
    return fallback;
  auto names = locales();
  std::vector<icu::Locale> supported;
  for (const auto& n : names)
    supported.push_back(to_icu(n));
  UErrorCode status = U_ZERO_ERROR;
  auto matcher = icu::LocaleMatcher::Builder()
                   .setSupportedLocales(supported.begin(), supported.end())
                   .setNoDefaultLocale()
                   .build(status);
  if (U_FAILURE(status))
    return fallback;
  auto desired = to_icu(requested);
  const icu::Locale* best = matcher.getBestMatch(desired, status);
  if (U_FAILURE(status) || !best)
    return fallback;
  for (std::size_t i = 0; i < supported.size(); ++i)
    if (supported[i] == *best)
      return names[i];
  return fallback;
}

std::string catalogs::text(std::string_view locale, std::string_view msgid,
                           const std::map<std::string, std::string, std::less<>>& values) const {
  std::string_view pattern = msgid;
  if (auto it = by_locale_.find(std::string{locale}); it != by_locale_.end())
    if (const auto* t = it->second.find(msgid))
      pattern = *t;
  return format(pattern, locale, values);
}

} // namespace otrbot::i18n
