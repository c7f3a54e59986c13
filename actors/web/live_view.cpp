// GET /progress: what the student's page follows live (progress.js asks every few seconds): the
// step, whether the chat is encrypted, the bot's fingerprint for this session, and the state of
// the authentication, each as a sentence in the student's language.
#include "actors/log/logging.hpp"
#include "actors/rules/lesson_plan.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"

#include <nlohmann/json.hpp>

namespace otrbot::web_routes {
namespace {

using lti::web_request;
using lti::web_response;
using lti::web_session;

web_response json_of(const lti::web_settings& pages, const web_session& s, const live_progress& p) {
  const auto& cats = pages.catalogs ? *pages.catalogs : i18n::source_only();
  auto tr = [&](const char* msgid, const i18n::args& args = {}) {
    return cats.text(s.locale, msgid, args);
  };
  lti::page_view step;
  lti::describe_visit(s, p.step.line.empty() ? pages.before_session : p.step, step);
  // The check, where the student's own program shows the fingerprint (in its words when the
  // bot knows it) and the encryption, in the words of the student's lesson.
  const auto& words = lesson::plan_named(p.step.lesson).live;
  std::string check;
  if (p.check == "running")
    check = tr(words.check_running);
  else if (p.check == "succeeded")
    check = tr(words.check_succeeded);
  else if (p.check == "failed")
    check = tr(words.check_failed);
  else if (p.check == "aborted")
    check = tr(words.check_aborted);
  auto where = tr(words.fingerprint_where(p.client), {{"client", p.client}});
  nlohmann::json out{
    {"step", step.lesson_step},
    {"step_number", step.step_number},
    {"step_text", tr(step.step.c_str())},
    {"encrypted", p.encrypted},
    {"encryption_text", p.encrypted ? tr(words.encrypted)
                                    : tr(N_("Your chat with the bot is not encrypted."))},
    {"fingerprint", p.fingerprint},
    {"fingerprint_text",
     p.fingerprint.empty()
       ? std::string{}
       : tr(N_("The bot's fingerprint in this session: {fingerprint}. Your chat program shows "
               "the same one, unless someone sits in between."),
            {{"fingerprint", p.fingerprint}}) + " " + where},
    {"check", p.check},
    {"check_text", check},
    {"client", p.client},
    {"lesson", p.step.lesson},
    {"page", p.step.page},
    {"done", p.step.done}};
  return {200, lti::body_kind::json, out.dump(), {}, {}, false, false};
}

} // namespace

caf::result<web_response> live_view(web_ptr self, const web_request& r) {
  auto found = require(self, r, {}, false);
  if (auto* early = std::get_if<web_response>(&found)) {
    web_response refused{early->status, lti::body_kind::json, R"({"error":"no such visit"})",
                         {}, {}, false, false};
    return refused;
  }
  auto rp = self->make_response_promise<web_response>();
  with_claim(self, std::get<web_session>(found), [self, rp](const web_session& s) mutable {
    if (s.jid.empty()) {
      rp.deliver(json_of(self->state.cfg.pages, s, {}));
      return;
    }
    request_within(self, self->state.cfg.manager, self->state.cfg.manager_timeout, atoms::live_v, jid_of(s))
      .then([self, rp, s](live_progress& p) mutable { rp.deliver(json_of(self->state.cfg.pages, s, p)); },
            [self, rp](caf::error& e) mutable {
              self->state.log->warn("no live progress from the session manager: {}", caf::to_string(e));
              rp.deliver(web_response{503, lti::body_kind::json,
                                      R"({"error":"the bot did not answer"})", {}, {}, false, false});
            });
  });
  return rp;
}

} // namespace otrbot::web_routes
