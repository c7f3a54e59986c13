// Members read from JSON the bot did not just write itself (stored web sessions, platforms'
// answers and key sets, id_tokens, the admin API's bodies): every string and every integer goes
// through these, which never throw and never convert out of range (pure).
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace otrbot::json_members {

/// The string member `name` of a JSON object ("" when absent or not a string).
std::string string_member(const nlohmann::json& j, const std::string& name);

/// The boolean member `name` of a JSON object (nullopt when absent or not a boolean).
std::optional<bool> boolean_member(const nlohmann::json& j, const std::string& name);

/// The integer member `name` of a JSON object, when it is a number in [min, max]: a JSON integer,
/// or a finite number with a fraction (JWT's NumericDate allows one), rounded down. nullopt when
/// absent, not a number, not finite or out of range (-1.7e30 is no int64, and no int).
std::optional<std::int64_t> integer_member(const nlohmann::json& j, const std::string& name,
                                           std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                           std::int64_t max = std::numeric_limits<std::int64_t>::max());

} // namespace otrbot::json_members
