// The lesson's vocabulary and what every plan does with its names (see lesson_plan.hpp).
#include "actors/rules/lesson_plan.hpp"

namespace otrbot::lesson {

std::string_view to_string(step s) {
  static constexpr std::array<std::string_view, step_count> names{
    "awaiting_encryption", "encrypted", "secret_known", "checking", "verified", "completed"};
  return names.at(static_cast<std::size_t>(s));
}

std::string_view to_string(event e) {
  static constexpr std::array<std::string_view, event_count> names{
    "started", "ended", "refreshed", "check_started", "check_question", "check_aborted",
    "check_passed", "check_failed", "other_device", "unreadable", "bot_started_check", "message_received", "secret_received",
    "unsafe_secret_received", "secret_leaked", "code_accepted", "start"};
  return names.at(static_cast<std::size_t>(e));
}

std::optional<step> plan::step_named(std::string_view text) const {
  for (std::size_t i = 0; i < step_count; ++i)
    if (step_names[i] == text)
      return static_cast<step>(i);
  return std::nullopt;
}

std::optional<event> plan::event_named(std::string_view text) const {
  for (std::size_t i = 0; i < event_count; ++i)
    if (event_names[i] == text)
      return static_cast<event>(i);
  return std::nullopt;
}

const char* live_words::fingerprint_where(std::string_view client) const {
  for (const auto& [name, msgid] : fingerprint_in)
    if (!name.empty() && name == client)
      return msgid;
  return fingerprint_anywhere;
}

handler_map with(handler_map base, const handler_map& more) {
  for (const auto& [e, handler] : more)
    base[e] = handler;
  return base;
}

const plan& plan_named(std::string_view id) {
  return id == omemo_plan().id ? omemo_plan() : otr_plan();
}

lti::step_view plan::describe(std::optional<step> at) const {
  const auto& p = pages[static_cast<std::size_t>(at.value_or(first))];
  lti::step_view v;
  v.lesson = std::string{id};
  v.name = at ? std::string{name(*at)} : std::string{};
  v.number = p.number;
  v.of = steps_shown;
  v.line = p.line;
  v.page = p.page;
  v.code_intro = p.code_intro;
  v.done = at == step::completed;
  return v;
}

} // namespace otrbot::lesson
