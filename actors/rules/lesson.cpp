// The lesson's actions and handlers, and the lesson object over its table (lesson_table.cpp).
#include "actors/rules/lesson.hpp"

#include <iterator>
#include <map>
#include <utility>

namespace otrbot::lesson {
namespace {

using i18n::msg;
using functions = fsm::state_machine<context, std::string, step, event>::functions;

void line(context& c, msg id, i18n::args args = {}) {
  c.effects.emplace_back(say{id, std::move(args)});
}

/// Step 1 in the student's program's words (or the generic ones); for a program without OTR,
/// why this exercise needs another one.
void step_one(context& c) {
  using clients::client;
  static const std::map<client, msg> words{
    {client::pidgin, msg::start_otr_pidgin},   {client::profanity, msg::start_otr_profanity},
    {client::psi, msg::start_otr_psi},         {client::mcabber, msg::start_otr_mcabber},
    {client::poezio, msg::start_otr_poezio},   {client::miranda, msg::start_otr_miranda},
    {client::without_otr, msg::client_without_otr}};
  auto it = words.find(c.client.id);
  line(c, it == words.end() ? msg::how_to_start_otr : it->second, {{"client", c.client.name}});
}

/// Step 3 in the student's program's words (or the generic ones).
void step_three(context& c) {
  using clients::client;
  static const std::map<client, msg> words{
    {client::pidgin, msg::authenticate_pidgin},   {client::profanity, msg::authenticate_profanity},
    {client::psi, msg::authenticate_psi},         {client::mcabber, msg::authenticate_mcabber},
    {client::poezio, msg::authenticate_poezio},   {client::miranda, msg::authenticate_miranda}};
  auto it = words.find(c.client.id);
  line(c, it == words.end() ? msg::how_to_authenticate : it->second, {{"client", c.client.name}});
}

// -- actions: run on entering a step ------------------------------------------

/// OTR ended: how to start it again (the student's client has its key already).
void start_again(context& c) {
  if (auto command = clients::start_otr_command(c.client.id); !command.empty())
    line(c, msg::start_otr_again_command, {{"command", std::string{command}}});
  else
    line(c, msg::start_otr_again);
}

void explain_otr_start(context& c, const std::string&) {
  if (c.now == event::start) {
    // After a restart the bot has said what changed already; a student whose client starts
    // OTR by itself (its first message is OTR) needs no Step 1: the next lines follow OTR.
    if (!c.start.restarted)
      line(c, msg::greeting);
    if (!c.start.otr_first)
      step_one(c);
    return;
  }
  if (c.now == event::ended && !c.code.empty()) {
    // Ended after the code was sent: the code proves a verification that happened.
    line(c, msg::otr_ended_code_valid);
    return;
  }
  if (c.now == event::ended) {
    line(c, msg::otr_ended_early);
    start_again(c);
    return;
  }
  step_one(c);
}

void explain_encryption(context& c, const std::string&) {
  if (c.now == event::secret_leaked) {  // back from a later step: OTR stays on, the secret is gone
    line(c, msg::secret_typed_in_chat);
    line(c, msg::ask_for_new_secret);
    return;
  }
  line(c, msg::encryption_on);
  line(c, msg::not_enough);
  if (c.has_secret)
    c.follow_ups.push_back(event::secret_received);
  else
    line(c, msg::ask_for_secret);
}

void ask_to_authenticate(context& c, const std::string&) {
  if (c.now == event::check_failed)
    line(c, msg::smp_failed);
  else if (c.now == event::check_aborted)
    line(c, msg::smp_aborted);
  else if (c.secret_told)
    line(c, msg::secret_still_known);  // a new OTR conversation: the secret is not new
  else
    line(c, msg::secret_known);
  c.secret_told = true;
  // The bot starts SMP itself when allowed, but not right after the student
  // cancelled one: they decide when to try again. Then its own line says what
  // to do: telling the student to start it as well would contradict it.
  if (c.cfg.may_start_smp && c.now != event::check_aborted) {
    c.effects.emplace_back(start_check{});
    c.follow_ups.push_back(event::bot_started_check);
    return;
  }
  step_three(c);
}

/// Leaving SMP because the secret was typed into the chat: the check under way used it.
void abort_if_leaked(context& c, const std::string&) {
  if (c.now == event::secret_leaked)
    c.effects.emplace_back(abort_check{});
}

void smp_begun(context& c, const std::string&) {
  if (c.now == event::bot_started_check) {
    line(c, msg::bot_started_smp);
    return;
  }
  if (c.now == event::check_question)
    line(c, msg::question_mode);
  c.effects.emplace_back(answer_check{});
}

void send_the_code(context& c, const std::string&) {
  line(c, msg::verified);
  c.code = secrets::make_code(c.cfg.code_format, c.rng);
  c.effects.emplace_back(send_code{c.code});
  line(c, msg::enter_code);
}

void congratulate(context& c, const std::string&) {
  line(c, msg::completed);
  c.effects.emplace_back(completed{});
}

// -- the OMEMO lesson's actions ------------------------------------------------

/// Step 1 of the OMEMO lesson in the student's program's words (or the generic ones).
void omemo_step_one(context& c) {
  line(c, c.client.id == clients::client::profanity ? msg::start_omemo_profanity
                                                    : msg::how_to_start_omemo);
}

void explain_omemo_start(context& c, const std::string&) {
  if (c.now == event::start) {
    if (!c.start.restarted)
      line(c, msg::greeting_omemo);
    if (!c.start.otr_first)  // (its first message was OMEMO: its program has it on already)
      omemo_step_one(c);
    return;
  }
  if (c.now == event::ended && !c.code.empty()) {
    line(c, msg::otr_ended_code_valid);
    return;
  }
  if (c.now == event::ended)
    line(c, msg::omemo_ended_early);
  omemo_step_one(c);
}

/// OMEMO is on: why that is not enough, and both halves of the check. A fingerprint the page
/// gave before is checked at once.
void explain_omemo_trust(context& c, const std::string&) {
  if (c.now == event::check_failed) {  // back from "the bot knows your device"
    line(c, msg::omemo_fingerprint_mismatch);
    return;
  }
  line(c, msg::omemo_on);
  line(c, msg::omemo_verify_bot);
  line(c, msg::omemo_type_fingerprint);
  if (c.has_secret)
    c.effects.emplace_back(start_check{});
}

/// The typed fingerprint is the student's device; the decoy is what is left.
void omemo_device_known(context& c, const std::string&) {
  line(c, msg::omemo_device_known);
  line(c, msg::omemo_decoy_trusted);
}

void omemo_send_code(context& c, const std::string&) {
  line(c, msg::omemo_verified);
  c.code = secrets::make_code(c.cfg.code_format, c.rng);
  c.effects.emplace_back(send_code{c.code});
  line(c, msg::enter_code);
}

// -- handlers: events a step handles without moving -----------------------------

void nothing(context&, const std::string&) {}

void refuse_secret(context& c, const std::string& reason) {
  line(c, msg::secret_refused, {{"reason", reason}});
}

void secret_before_otr(context& c, const std::string&) { line(c, msg::secret_noted_start_otr); }

void secret_replaced(context& c, const std::string&) {
  line(c, msg::secret_known);
  c.secret_told = true;
}

/// The secret typed into the chat where no new one is needed (before OTR, or after the
/// verification): the warning, and before OTR, the request for a new one.
void secret_leaked(context& c, const std::string&) {
  line(c, msg::secret_typed_in_chat);
  if (c.code.empty())
    line(c, msg::ask_for_new_secret);
}

void smp_without_secret(context& c, const std::string&) {
  c.effects.emplace_back(abort_check{});
  line(c, msg::smp_needs_secret);
}

void answer_smp(context& c, const std::string&) {
  if (c.now == event::check_question)
    line(c, msg::question_mode);
  c.effects.emplace_back(answer_check{});
}

const functions& actions() {
  static const functions f{
    {"explain_otr_start", explain_otr_start},
    {"explain_encryption", explain_encryption},
    {"ask_to_authenticate", ask_to_authenticate},
    {"smp_begun", smp_begun},
    {"send_code", send_the_code},
    {"congratulate", congratulate},
    {"abort_if_leaked", abort_if_leaked},
    {"explain_omemo_start", explain_omemo_start},
    {"explain_omemo_trust", explain_omemo_trust},
    {"omemo_device_known", omemo_device_known},
    {"omemo_send_code", omemo_send_code},
  };
  return f;
}

const functions& handlers() {
  auto reminder = [](msg id) {
    return [id](context& c, const std::string&) { line(c, id); };
  };
  static const functions f{
    // The message that started the session was answered by the greeting and
    // Step 1 already: it gets no second Step 1.
    {"remind_otr", [](context& c, const std::string&) {
       if (c.just_greeted)
         return;
       // Once a code was sent, it (not OTR again) is what completes the exercise.
       if (c.code.empty())
         step_one(c);
       else
         line(c, msg::otr_ended_code_valid);
     }},
    {"remind_secret", reminder(msg::ask_for_secret)},
    {"remind_authenticate", [](context& c, const std::string&) { step_three(c); }},
    {"remind_smp", reminder(msg::smp_running)},
    // The verified step is only ever encrypted (OTR ending leaves it): the code may be repeated.
    {"remind_code", [](context& c, const std::string&) {
       line(c, msg::code_reminder, {{"code", c.code}});
     }},
    {"remind_done", [](context& c, const std::string&) {
       line(c, c.otr_on ? msg::done : msg::done_otr_ended);
     }},
    {"verification_lost", reminder(msg::verification_lost)},
    {"remind_enter_code", reminder(msg::enter_code)},
    {"secret_leaked", secret_leaked},
    {"refuse_secret", refuse_secret},
    {"secret_before_otr", secret_before_otr},
    {"secret_replaced", secret_replaced},
    {"smp_without_secret", smp_without_secret},
    {"answer_smp", answer_smp},
    {"nothing", nothing},
    {"remind_omemo", [](context& c, const std::string&) {
       if (c.just_greeted)
         return;
       if (c.code.empty())
         omemo_step_one(c);
       else
         line(c, msg::otr_ended_code_valid);
     }},
    {"remind_omemo_trust", [](context& c, const std::string&) {
       line(c, msg::omemo_verify_bot);
       line(c, msg::omemo_type_fingerprint);
     }},
    {"check_fingerprint", [](context& c, const std::string&) { c.effects.emplace_back(start_check{}); }},
    {"fingerprint_noted", reminder(msg::omemo_fingerprint_noted)},
    {"omemo_decoy", reminder(msg::omemo_decoy_trusted)},
    {"omemo_other_device", reminder(msg::omemo_other_device)},
    {"omemo_unreadable", reminder(msg::omemo_unreadable)},
    {"otr_unreadable", reminder(msg::otr_unreadable)},
    {"omemo_untrusted", reminder(msg::omemo_bot_untrusted)},
    {"omemo_mismatch", reminder(msg::omemo_fingerprint_mismatch)},
  };
  return f;
}

} // namespace

lesson::lesson(const plan& p, settings cfg, secrets::random_bytes rng)
  : plan_{&p},
    ctx_{std::move(cfg), std::move(rng), event::start, false, false, false, false, {}, {}, false, {}, {}, {}},
    machine_{*p.states, actions(), handlers(), p.first} {}

std::vector<effect> lesson::start(start_context how) {
  if (at() == step::completed) {
    ctx_.greeted = true;
    return {};
  }
  ctx_.start = how;
  ctx_.now = event::start;
  machine_.enter(ctx_, {});
  ctx_.follow_ups.clear();
  ctx_.just_greeted = true;
  ctx_.greeted = true;
  return std::exchange(ctx_.effects, {});
}

void lesson::resume_completed() {
  ctx_.now = event::code_accepted;
  machine_.handle(event::code_accepted, ctx_, {});
  ctx_.effects.clear();  // its congratulation was said in the session that completed it
  ctx_.follow_ups.clear();
}

std::vector<effect> lesson::client_known(const clients::profile& client) {
  if (client == ctx_.client)
    return {};
  ctx_.client = client;
  if (!ctx_.greeted)
    return {};  // the greeting will use it
  if (plan_->id == "omemo") {
    if (at() == step::awaiting_encryption)
      omemo_step_one(ctx_);  // (the OMEMO lesson is for programs without OTR: no Step 3 in words)
  } else if (client.id == clients::client::without_otr || at() == step::awaiting_encryption) {
    step_one(ctx_);  // (a program without OTR: why this one cannot do the exercise)
  } else if (at() == step::secret_known) {
    step_three(ctx_);
  }
  return std::exchange(ctx_.effects, {});
}

std::vector<effect> lesson::handle(event e, const std::string& detail) {
  auto before = at();
  std::vector<event> queue{e};
  // Follow-ups (an event an action raises) run after the event that raised
  // them; the bound keeps a table mistake from looping forever.
  for (std::size_t i = 0; i < queue.size() && i < 8; ++i) {
    ctx_.now = queue[i];
    if (ctx_.now == event::started || ctx_.now == event::refreshed)
      ctx_.otr_on = true;
    else if (ctx_.now == event::ended)
      ctx_.otr_on = false;
    machine_.handle(queue[i], ctx_, i == 0 ? detail : std::string{});
    for (auto f : ctx_.follow_ups)
      queue.push_back(f);
    ctx_.follow_ups.clear();
    ctx_.just_greeted = false;
  }
  if (at() == before)
    return std::exchange(ctx_.effects, {});
  // The status first, then what the step said and did.
  std::vector<effect> out;
  out.reserve(ctx_.effects.size() + 1);
  out.emplace_back(status{before, at(), e});
  std::move(ctx_.effects.begin(), ctx_.effects.end(), std::back_inserter(out));
  ctx_.effects.clear();
  return out;
}

bool refreshes_session(event e) {
  return e == event::message_received || e == event::started || e == event::check_started ||
         e == event::check_aborted || e == event::ended;
}

} // namespace otrbot::lesson
