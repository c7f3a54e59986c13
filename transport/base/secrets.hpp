// Shared secrets and the bot's code: normalisation, strength, generation, comparison (pure).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::secrets {

/// The secret as both sides must type it for SMP to match byte for byte:
/// NFC-normalised (ICU) and trimmed of surrounding white space. nullopt when
/// the text is not valid UTF-8.
std::optional<std::string> normalise(std::string_view text);

/// Why a secret is too weak, or nullopt when it is strong enough. The rule
/// (documented in docs/lesson.md): at least 8 characters, at least 5 different
/// characters, and not a well-known password or keyboard run.
std::optional<std::string> weakness(std::string_view normalised);

/// Fills `out` with cryptographically random bytes.
using random_bytes = std::function<void(std::uint8_t* out, std::size_t n)>;

/// The random_bytes of production: OpenSSL's generator; throws std::runtime_error when it has
/// no randomness to give.
void system_random(std::uint8_t* out, std::size_t n);

/// The alphabet of the code: A-Z and 2-9 without look-alikes (0 O 1 I).
constexpr std::string_view code_alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A code in `format`: every 'X' becomes a random character of the alphabet,
/// everything else stays. 32 characters: one byte's low 5 bits, unbiased.
std::string make_code(std::string_view format, const random_bytes& rng);

/// A code as it is compared: its letters and digits in upper case. Spaces
/// (any Unicode white space) and dashes (any Unicode dash) are how people
/// type a code, not part of it: "pl2f a3zr", "PL2FA3ZR" and "pl2f-a3zr" are
/// one code. nullopt when `typed` holds anything else (or is not UTF-8).
std::optional<std::string> canonical_code(std::string_view typed);

/// Whether what the student typed is the code: compared in canonical form
/// (any case, any separators), in constant time for codes of the same length.
bool code_matches(std::string_view expected, std::string_view typed);

/// Why `typed` cannot be a code in `format` at all: a msgid (with the
/// placeholders {expected} and {typed}, counts of letters and digits) and
/// its values; nullopt when it has the form of one (right or wrong).
struct code_problem {
  std::string_view reason;
  int expected = 0;
  int typed = 0;
};
std::optional<code_problem> code_format_problem(std::string_view format, std::string_view typed);

/// Compares two byte strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace otrbot::secrets
