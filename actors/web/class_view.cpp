// The teacher view: an instructor's launch sees everyone who launched the same placement of the
// exercise (consumer and resource link), where each is, who may be stuck, and each grade's
// delivery, with "send again" for a grade the LMS has not accepted.
#include "actors/contract/errors.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"
#include "i18n/mark.hpp"

#include <algorithm>
#include <charconv>

namespace otrbot::web_routes {
namespace {

using lti::web_request;
using lti::web_response;
using lti::web_session;

/// The instructor's web session, or the page that refuses. In development mode (no LMS) every
/// visit may see the development class: there is no instructor to launch it.
std::variant<web_session, web_response> instructor(web_ptr self, const web_request& r,
                                                   const lti::params& form, bool post) {
  auto found = require(self, r, form, post);
  bool development = !self->state.cfg.pages.lti.enabled;
  if (auto* s = std::get_if<web_session>(&found);
      s && !development && !(s->lms.instructor && !s->lms.learner))
    return lti::error_page(self->state.cfg.pages, 403,
                           N_("Only an instructor of this course, launched from it, sees the class."));
  return found;
}

/// The learners of the instructor's placement: per LMS user, their latest visit with a JID (else
/// their latest visit).
std::vector<web_session> class_of(web_ptr self, const web_session& teacher) {
  std::map<std::string, web_session> latest;  // by LMS user
  for (const auto& [id, s] : self->state.sessions) {
    if (!s.lms.learner || s.lms.consumer_key != teacher.lms.consumer_key ||
        s.lms.resource_link_id != teacher.lms.resource_link_id)
      continue;
    auto& kept = latest[s.lms.user_id];
    bool better = kept.id.empty() || (kept.jid.empty() && !s.jid.empty()) ||
                  (kept.jid.empty() == s.jid.empty() && s.expires > kept.expires);
    if (better)
      kept = s;
  }
  std::vector<web_session> out;
  for (auto& [user, s] : latest)
    out.push_back(std::move(s));
  return out;
}

lti::class_row row_of(const web_session& s, const session_info* info,
                      const std::vector<store::grade>& open_grades, std::int64_t now,
                      std::int64_t stuck_minutes) {
  lti::class_row row;
  row.student = s.lms.person_name.empty() ? s.lms.user_id : s.lms.person_name;
  row.jid = s.jid;
  if (info) {
    row.lesson = info->step;
    row.client = info->client;
    if (info->last_activity > 0 && !info->step.done) {
      row.idle_minutes = std::max<std::int64_t>(0, (now - info->last_activity) / 60);
      row.stuck = row.idle_minutes >= stuck_minutes;
    }
  }
  if (s.lms.gradable()) {
    row.grade = row.lesson.done ? "done" : "none";
    for (const auto& g : open_grades)  // the outbox's pending and failed grades
      if (lti::same_result(g.target, s.lms.target()) && g.jid == s.jid &&
          (g.id > row.grade_id || g.state == store::grade_state::held)) {
        row.grade = std::string{store::name(g.state)};  // held: not stored yet (listed last)
        row.grade_id = std::max(row.grade_id, g.id);
      }
  }
  return row;
}

void render(web_ptr self, reply rp, const web_session& teacher, std::vector<web_session> students,
            std::vector<session_info> infos, std::vector<store::grade> grades) {
  auto v = lti::view(self->state.cfg.pages, lti::page::class_view, &teacher, {});
  const auto stuck_minutes = self->state.cfg.pages.lti.stuck_after_minutes;
  v.stuck_minutes = static_cast<int>(stuck_minutes);
  auto now = unix_now();
  for (const auto& s : students) {
    auto it = std::find_if(infos.begin(), infos.end(),
                           [&](const session_info& i) { return !s.jid.empty() && i.jid == s.jid; });
    v.rows.push_back(row_of(s, it == infos.end() ? nullptr : &*it, grades, now, stuck_minutes));
  }
  std::sort(v.rows.begin(), v.rows.end(), [](const auto& a, const auto& b) {
    return std::tie(b.stuck, a.student) < std::tie(a.stuck, b.student);  // the stuck ones first
  });
  rp.deliver(lti::html(200, v));
}

} // namespace

caf::result<web_response> class_view(web_ptr self, const web_request& r) {
  auto found = instructor(self, r, {}, false);
  if (auto* early = std::get_if<web_response>(&found))
    return *early;
  auto teacher = std::get<web_session>(found);
  auto students = class_of(self, teacher);
  std::vector<xmpp::bare_jid> jids;
  for (const auto& s : students)
    if (!s.jid.empty())
      jids.push_back(jid_of(s));
  auto rp = self->make_response_promise<web_response>();
  auto timeout = self->state.cfg.manager_timeout;
  request_within(self, self->state.cfg.manager, timeout, atoms::class_status_v, jids)
    .then(
      [self, rp, teacher, students, timeout](std::vector<session_info>& infos) mutable {
        if (!self->state.cfg.store) {
          render(self, rp, teacher, std::move(students), std::move(infos), {});
          return;
        }
        request_within(self, self->state.cfg.store, timeout, atoms::st_grades_v)
          .then(
            [self, rp, teacher, students, infos](std::vector<store::grade>& grades) mutable {
              render(self, rp, teacher, std::move(students), std::move(infos), std::move(grades));
            },
            [self, rp](caf::error& e) mutable {
              self->state.log->error("the store did not answer for the class view: {}",
                                     caf::to_string(e));
              rp.deliver(lti::error_page(self->state.cfg.pages, 503,
                                         N_("The bot did not answer; try again.")));
            });
      },
      [self, rp](caf::error& e) mutable {
        self->state.log->error("the session manager did not answer for the class view: {}",
                               caf::to_string(e));
        rp.deliver(
          lti::error_page(self->state.cfg.pages, 503, N_("The bot did not answer; try again.")));
      });
  return rp;
}

caf::result<web_response> class_resend(web_ptr self, const web_request& r) {
  lti::params form;
  if (!lti::parse_form(r.body, form))
    return lti::error_page(self->state.cfg.pages, 400, N_("The form could not be read."));
  auto found = instructor(self, r, form, true);
  if (auto* early = std::get_if<web_response>(&found))
    return *early;
  auto teacher = std::get<web_session>(found);
  auto text = lti::value_of(form, "grade");
  std::int64_t id = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (err != std::errc{} || end != text.data() + text.size() || id <= 0 || !self->state.cfg.store ||
      !self->state.cfg.outcomes)
    return lti::error_page(self->state.cfg.pages, 404, N_("There is no such grade."));
  auto students = class_of(self, teacher);
  auto rp = self->make_response_promise<web_response>();
  request_within(self, self->state.cfg.store, self->state.cfg.manager_timeout, atoms::st_grade_of_v, id)
    .then(
      [self, rp, teacher, students](store::grade& g) mutable {
        // Only a grade of this instructor's own students, and one not accepted yet.
        bool theirs = std::any_of(students.begin(), students.end(), [&](const web_session& s) {
          return lti::same_result(s.lms.target(), g.target) && s.jid == g.jid;
        });
        if (!theirs || g.state == store::grade_state::done) {
          rp.deliver(lti::error_page(self->state.cfg.pages, 404, N_("There is no such grade.")));
          return;
        }
        self->state.log->info("teacher view: grade {} for {} is sent again now", g.id, g.jid);
        self->send(self->state.cfg.outcomes, atoms::retry_v, g);
        rp.deliver(lti::redirect(self->state.cfg.pages, "/class", teacher));
      },
      [self, rp](caf::error& e) mutable {
        if (!is(e, ec::not_found))
          self->state.log->error("the store did not answer: {}", caf::to_string(e));
        rp.deliver(lti::error_page(self->state.cfg.pages, is(e, ec::not_found) ? 404 : 503,
                                   is(e, ec::not_found) ? N_("There is no such grade.")
                                                        : N_("The bot did not answer; try again.")));
      });
  return rp;
}

} // namespace otrbot::web_routes
