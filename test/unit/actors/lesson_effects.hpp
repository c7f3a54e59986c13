// What the lesson tests read of a lesson's effects, for every plan's tests.
#pragma once

#include "actors/rules/lesson.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace otrbot::lesson::testing {

/// A random source of zeros: codes are predictable in tests.
inline void zeros(std::uint8_t* out, std::size_t n) { std::fill(out, out + n, 0); }

/// An event by its name in `p` (the plan's names are part of what is tested).
inline event event_of(const plan& p, std::string_view name) {
  auto e = p.event_named(name);
  REQUIRE(e);
  return *e;
}

/// The lines the effects say, in order.
inline std::vector<i18n::msg> lines(const std::vector<effect>& effects) {
  std::vector<i18n::msg> out;
  for (const auto& e : effects)
    if (auto* s = std::get_if<say>(&e))
      out.push_back(s->id);
  return out;
}

/// Whether the effects hold one of kind T.
template <class T>
bool has(const std::vector<effect>& effects) {
  return std::any_of(effects.begin(), effects.end(),
                     [](const effect& e) { return std::holds_alternative<T>(e); });
}

} // namespace otrbot::lesson::testing
