// The web actor: the grade outbox in the admin API (GET /admin/grades, POST /admin/grades/{id}/retry).
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "actors/web/web_deadlines.hpp"
#include "actors/web/web_routes.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <charconv>

namespace otrbot::web_routes {
namespace {

using json = nlohmann::json;
using lti::web_response;

json as_json(const store::grade& g) {
  return {{"id", g.id},
          {"jid", g.jid},
          {"state", store::name(g.state)},
          {"outcome_url", lti::url_of(g.target)},
          {"consumer_key", lti::columns_of(g.target).consumer_key},
          {"score", g.score},
          {"attempts", g.attempts},
          {"created_at", g.created_at},
          {"next_attempt_at", g.next_attempt_at},
          {"last_error", g.last_error}};
}

} // namespace

std::optional<std::int64_t> grade_id(std::string_view digits) {
  std::int64_t id = 0;
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (err != std::errc{} || end != digits.data() + digits.size() || id <= 0)
    return std::nullopt;
  return id;
}

namespace {

web_response store_trouble(web_ptr self, const caf::error& e) {
  self->state.log->error("the store did not answer: {}", caf::to_string(e));
  return admin_error(503, "the store did not answer");
}

caf::result<web_response> list(web_ptr self) {
  auto rp = self->make_response_promise<web_response>();
  request_within(self, self->state.cfg.store, self->state.cfg.manager_timeout, atoms::st_grades_v)
    .then(
      [rp](std::vector<store::grade>& grades) mutable {
        json out = json::array();
        for (const auto& g : grades)
          out.push_back(as_json(g));
        rp.deliver(admin_json(200, out.dump()));
      },
      [self, rp](caf::error& e) mutable { rp.deliver(store_trouble(self, e)); });
  return rp;
}

caf::result<web_response> retry_grade(web_ptr self, std::int64_t id) {
  auto rp = self->make_response_promise<web_response>();
  request_within(self, self->state.cfg.store, self->state.cfg.manager_timeout, atoms::st_grade_of_v, id)
    .then(
      [self, rp](store::grade& g) mutable {
        if (g.state == store::grade_state::done) {
          rp.deliver(admin_error(409, "that grade was accepted by the LMS already"));
          return;
        }
        self->state.log->info("admin API: grade {} for {} is sent again now", g.id, g.jid);
        self->send(self->state.cfg.outcomes, atoms::retry_v, g);
        auto body = as_json(g);
        body["state"] = "pending";
        rp.deliver(admin_json(202, body.dump()));
      },
      [self, rp](caf::error& e) mutable {
        if (is(e, ec::not_found)) {
          rp.deliver(admin_error(404, "there is no grade with that id"));
          return;
        }
        rp.deliver(store_trouble(self, e));
      });
  return rp;
}

} // namespace

caf::result<web_response> admin_grades(web_ptr self, std::optional<std::int64_t> retry) {
  if (!self->state.cfg.store || !self->state.cfg.outcomes)
    return admin_error(404, "there is no grade outbox in this setup");
  return retry ? retry_grade(self, *retry) : list(self);
}

} // namespace otrbot::web_routes
