#include "lti/wire/json_members.hpp"

#include <cmath>

namespace otrbot::json_members {

std::string string_member(const nlohmann::json& j, const std::string& name) {
  if (!j.is_object())
    return {};
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<bool> boolean_member(const nlohmann::json& j, const std::string& name) {
  if (!j.is_object())
    return std::nullopt;
  auto it = j.find(name);
  if (it == j.end() || !it->is_boolean())
    return std::nullopt;
  return it->get<bool>();
}

std::optional<std::int64_t> integer_member(const nlohmann::json& j, const std::string& name,
                                           std::int64_t min, std::int64_t max) {
  if (!j.is_object())
    return std::nullopt;
  auto it = j.find(name);
  if (it == j.end())
    return std::nullopt;
  std::int64_t value = 0;
  if (it->is_number_unsigned()) {
    auto u = it->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    value = static_cast<std::int64_t>(u);
  } else if (it->is_number_integer()) {
    value = it->get<std::int64_t>();
  } else if (it->is_number_float()) {
    // Only a double inside int64's range converts (outside it, the conversion is undefined):
    // [-2^63, 2^63), both ends exact as doubles.
    double d = std::floor(it->get<double>());
    if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
      return std::nullopt;
    value = static_cast<std::int64_t>(d);
  } else {
    return std::nullopt;
  }
  if (value < min || value > max)
    return std::nullopt;
  return value;
}

} // namespace otrbot::json_members
