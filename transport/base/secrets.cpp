// Secrets and codes.
#include "transport/base/secrets.hpp"

#include "i18n/mark.hpp"

#include <openssl/rand.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <stdexcept>
#include <vector>

namespace otrbot::secrets {
namespace {

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v' ||
         c == 0x00A0 || c == 0x2007 || c == 0x202F || c == 0x3000 || (c >= 0x2000 && c <= 0x200A);
}

/// The text as code points; nullopt when it is not valid UTF-8.
std::optional<icu::UnicodeString> decode(std::string_view text) {
  auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  std::string round;
  u.toUTF8String(round);
  if (round != text)
    return std::nullopt;
  return u;
}

/// A separator people type inside a code: white space or a dash of any kind.
bool is_separator(UChar32 c) {
  return u_isUWhiteSpace(c) || u_charType(c) == U_DASH_PUNCTUATION;
}

} // namespace

std::optional<std::string> normalise(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status))
    return std::nullopt;
  // Reject invalid UTF-8 instead of letting ICU replace it with U+FFFD.
  auto u = decode(text);
  if (!u)
    return std::nullopt;
  icu::UnicodeString n = nfc->normalize(*u, status);
  if (U_FAILURE(status))
    return std::nullopt;
  int32_t begin = 0, end = n.length();
  while (begin < end && is_space(static_cast<char32_t>(n.char32At(begin))))
    begin = n.moveIndex32(begin, 1);
  while (end > begin && is_space(static_cast<char32_t>(n.char32At(n.moveIndex32(end, -1)))))
    end = n.moveIndex32(end, -1);
  // Inside the secret, control characters (NUL, escapes, line breaks) are no
  // text a person types in both programs alike.
  for (int32_t i = begin; i < end; i = n.moveIndex32(i, 1))
    if (u_iscntrl(n.char32At(i)))
      return std::nullopt;
  std::string out;
  n.tempSubStringBetween(begin, end).toUTF8String(out);
  return out;
}

std::optional<std::string> weakness(std::string_view s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
    icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  auto count = u.countChar32();
  if (count < 8)
    return N_("a secret needs at least 8 characters");
  std::set<UChar32> distinct;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1))
    distinct.insert(u.char32At(i));
  if (distinct.size() < 5)
    return N_("a secret needs at least 5 different characters");
  std::string lower;
  icu::UnicodeString(u).toLower().toUTF8String(lower);
  static const std::array<std::string_view, 16> common{
    "password", "password1", "12345678", "123456789", "1234567890", "qwertyuiop", "qwertyui",
    "azertyuiop", "abcdefgh", "abcdefghij", "iloveyou", "sunshine", "princess", "football",
    "letmein1", "welcome1"};
  if (std::find(common.begin(), common.end(), lower) != common.end())
    return N_("it is one of the best-known passwords");
  return std::nullopt;
}

std::string make_code(std::string_view format, const random_bytes& rng) {
  std::string out{format};
  std::vector<std::uint8_t> bytes(out.size());
  rng(bytes.data(), bytes.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i] == 'X')
      out[i] = code_alphabet[bytes[i] & 0x1f];
  std::fill(bytes.begin(), bytes.end(), 0);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::string> canonical_code(std::string_view typed) {
  auto u = decode(typed);
  if (!u)
    return std::nullopt;
  std::string out;
  for (int32_t i = 0; i < u->length(); i = u->moveIndex32(i, 1)) {
    UChar32 c = u->char32At(i);
    if (is_separator(c))
      continue;
    if (c > 0x7f || !std::isalnum(static_cast<int>(c)))
      return std::nullopt;
    out += static_cast<char>(std::toupper(static_cast<int>(c)));
  }
  return out;
}

bool code_matches(std::string_view expected, std::string_view typed) {
  auto want = canonical_code(expected);
  auto got = canonical_code(typed);
  return want && got && !want->empty() && constant_time_equal(*want, *got);
}

std::optional<code_problem> code_format_problem(std::string_view format, std::string_view typed) {
  auto pattern = canonical_code(format);
  if (!pattern)
    return std::nullopt;  // a format of our own that is no code: nothing to say about the input
  auto length = static_cast<int>(pattern->size());
  auto got = canonical_code(typed);
  if (!got)
    return code_problem{N_("a code has only letters and digits (and perhaps a dash)"), length, 0};
  auto count = static_cast<int>(got->size());
  if (count != length)
    return code_problem{N_("the code has {expected} letters and digits, and you typed {typed}"),
                        length, count};
  for (std::size_t i = 0; i < got->size(); ++i)
    if ((*pattern)[i] == 'X' && code_alphabet.find((*got)[i]) == std::string_view::npos)
      return code_problem{N_("codes never contain 0, O, 1 or I: the bot leaves out characters "
                             "that look alike"),
                          length, count};
  return std::nullopt;
}

void system_random(std::uint8_t* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1)
    throw std::runtime_error("no random bytes available");
}

} // namespace otrbot::secrets
