// The web actor's handlers, a file per area (pages in web.cpp, the launch, the admin API);
// internal to lti/.
#pragma once

#include "actors/web/web.hpp"
#include "actors/web/web_deadlines.hpp"
#include "lti/pages/routes.hpp"
#include "transport/base/unix_time.hpp"

#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <variant>

namespace otrbot::web_routes {

using reply = caf::typed_response_promise<lti::web_response>;

/// Keeps a web session in the store (when there is one), so that a page
/// open in a browser goes on working after a restart.
void persist(web_ptr self, const lti::web_session& s);

/// Asks the session manager; `on_value` gets the answer, `on_error` a CAF
/// error (an ec, or a timeout after manager_timeout).
template <class OnValue, class OnError, class... Ts>
void ask(web_ptr self, OnValue on_value, OnError on_error, Ts&&... xs) {
  request_within(self, self->state.cfg.manager, self->state.cfg.manager_timeout, std::forward<Ts>(xs)...)
    .then(std::move(on_value), std::move(on_error));
}

/// Changes the live web session `id` (after an answer came: the copy a flow
/// holds may be stale, or the visit may have ended meanwhile).
template <class Change>
void update(web_ptr self, const std::string& id, Change change) {
  if (auto it = self->state.sessions.find(id); it != self->state.sessions.end()) {
    change(it->second);
    persist(self, it->second);
  }
}

/// The lesson step of the session's student ("" without a JID, or when the
/// manager does not answer in time), then `next(step)`.
void with_step(web_ptr self, const lti::web_session& s, std::function<void(const lti::step_view&)> next);

/// The visit's JID as the session manager takes it: parsed when it was typed, and again here
/// from the stored visit (empty when the visit has none).
xmpp::bare_jid jid_of(const lti::web_session& s);

/// The visit as it is now: when its JID waits for its proof, the manager is asked (which also
/// renews the claim, say after a restart) whether the word came; once it did, the visit has
/// its JID. An expired claim is dropped. Then `next(visit)`.
void with_claim(web_ptr self, lti::web_session s, std::function<void(const lti::web_session&)> next);

/// The 503 page when the manager did not answer (or failed).
lti::web_response unavailable(web_ptr self, const caf::error& e, const char* msgid);

/// POST /enter_jid (actors/web/web_jid.cpp): the JID is parsed and checked, then claimed until a
/// message from it carries the word the page shows (or bound at once when the same LMS user
/// proved it in another visit).
caf::result<lti::web_response> post_jid(web_ptr self, const lti::web_request& r);

/// POST /: an LTI 1.1 launch. GET /: the index in development mode, else a refusal.
caf::result<lti::web_response> launch(web_ptr self, const lti::web_request& r);
caf::result<lti::web_response> dev_index(web_ptr self, const lti::web_request& r);

/// /admin/...: the admin REST API (JSON, bearer token), one of the table's admin routes.
caf::result<lti::web_response> admin(web_ptr self, const lti::web_request& r,
                                     const lti::matched_route& m);

/// The admin API's answers: a JSON body; {"error": message}.
lti::web_response admin_json(int status, std::string body);
lti::web_response admin_error(int status, const std::string& message);

/// GET /admin/grades (the pending and failed grades), or with `retry`, POST
/// /admin/grades/{id}/retry; the caller has checked the bearer token.
caf::result<lti::web_response> admin_grades(web_ptr self, std::optional<std::int64_t> retry);

/// The {id} of /admin/grades/{id}/retry: a positive decimal number, else nullopt.
std::optional<std::int64_t> grade_id(std::string_view digits);

/// The web session of a request (for POSTs, with its CSRF check), or the error page instead.
std::variant<lti::web_session, lti::web_response> require(web_ptr self, const lti::web_request& r,
                                                          const lti::params& form, bool post);

/// GET /class: the teacher view (instructors of the exercise's placement only). POST
/// /class/resend: one of their students' grades sent again.
caf::result<lti::web_response> class_view(web_ptr self, const lti::web_request& r);
caf::result<lti::web_response> class_resend(web_ptr self, const lti::web_request& r);

/// GET /progress: what the student's page follows live, as JSON (progress.js asks it).
caf::result<lti::web_response> live_view(web_ptr self, const lti::web_request& r);

/// /lti13/... (actors/web/web_lti13.cpp): GET|POST /lti13/login, POST /lti13/launch, GET
/// /lti13/jwks, GET|POST /lti13/register.
caf::result<lti::web_response> lti13_routes(web_ptr self, const lti::web_request& r, lti::route which);

/// GET /lti13/register: the registration code's form; POST: the registration with that code
/// (actors/web/web_register.cpp).
caf::result<lti::web_response> lti13_register(web_ptr self, const lti::web_request& r);

/// POST /admin/lti13/invites: a new registration invite (actors/web/web_register.cpp).
caf::result<lti::web_response> admin_invite(web_ptr self, const lti::web_request& r);

/// The tool's base URL (lti.public_url, else from the request), without a trailing slash.
std::string base_url(web_ptr self, const lti::web_request& r);

/// Whether a POST came from a page of the tool itself: the browser says so (Sec-Fetch-Site), or,
/// from one that does not send that, its Origin is the tool's.
bool from_own_page(web_ptr self, const lti::web_request& r);

/// LTI 1.3's handoff page (lti13.js acts on it): `action` with its `values`.
lti::web_response handoff(web_ptr self, int status, std::string action,
                          std::map<std::string, std::string> values, const std::string& locale);

/// A checked launch's visit: a new web session, kept with the launch's nonce (the consumer's key
/// or the platform's, the nonce) in the store; then its first page, with its cookie, or the
/// refusal of a nonce seen before (401), or 503 when the store could not record it. `protocol`
/// ("LTI", "LTI 1.3") names the launch in the log.
void start_visit(web_ptr self, reply rp, const char* protocol, lti::launch l,
                 const std::string& nonce_key, const std::string& nonce, const std::string& locale);

} // namespace otrbot::web_routes
