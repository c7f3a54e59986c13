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
/// (documented in README.md): at least 8 characters, at least 5 different
/// characters, and not a well-known password or keyboard run.
std::optional<std::string> weakness(std::string_view normalised);

/// Fills `out` with cryptographically random bytes.
using random_bytes = std::function<void(std::uint8_t* out, std::size_t n)>;

/// The alphabet of the code: A-Z and 2-9 without look-alikes (0 O 1 I).
constexpr std::string_view code_alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A code in `format`: every 'X' becomes a random character of the alphabet,
/// everything else stays. 32 characters: one byte's low 5 bits, unbiased.
std::string make_code(std::string_view format, const random_bytes& rng);

/// Whether what the student typed is the code: trimmed, case-insensitive,
/// compared in constant time (for codes of the same length).
bool code_matches(std::string_view expected, std::string_view typed);

/// Compares two byte strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace otrbot::secrets
