// The session manager's progress records (see progress_book.hpp).
#include "actors/rules/progress_book.hpp"

#include "actors/rules/lesson_plan.hpp"
#include "transport/base/secrets.hpp"

#include <utility>

namespace otrbot {

void progress_book::restore(const store::student& s, const lesson::plan& plan) {
  auto& r = records_[s.jid];
  r.had_secret = s.had_secret;
  r.code_mac = s.code_mac;
  r.completed = s.completed;
  // Only a step inside the lesson needs explaining: encryption and SMP are gone with the bot.
  auto at = plan.step_named(s.step);
  if (!s.completed && at && *at != plan.first && *at != lesson::step::completed)
    r.step_before_restart = s.step;
}

const progress_book::record* progress_book::find(const std::string& jid) const {
  auto it = records_.find(jid);
  return it == records_.end() ? nullptr : &it->second;
}

bool progress_book::had_secret(const std::string& jid) const {
  auto* r = find(jid);
  return r && r->had_secret;
}

bool progress_book::code_went_out(const std::string& jid) const {
  auto* r = find(jid);
  return r && !r->code_mac.empty();
}

bool progress_book::code_matches(const std::string& jid, const std::string& mac) const {
  auto* r = find(jid);
  return r && !r->code_mac.empty() && secrets::constant_time_equal(mac, r->code_mac);
}

bool progress_book::complete(const std::string& jid) {
  return !std::exchange(records_[jid].completed, true);
}

bool progress_book::completed(const std::string& jid) const {
  auto* r = find(jid);
  return r && r->completed;
}

std::optional<progress_book::restart_facts>
progress_book::take_restart_notice(const std::string& jid, bool finishing) {
  auto it = records_.find(jid);
  if (it == records_.end() || it->second.step_before_restart.empty())
    return std::nullopt;
  auto& r = it->second;
  auto step = std::exchange(r.step_before_restart, {});
  if (finishing)
    return std::nullopt;
  return restart_facts{std::move(step), r.had_secret, !r.code_mac.empty()};
}

} // namespace otrbot
