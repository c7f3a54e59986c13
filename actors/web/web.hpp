// The web actor: every page, launch and admin request as a typed request/response, with the
// web sessions and LTI nonces as its own state. Pistache's threads never wait for it.
//
//   browser/LMS --HTTP--> [http_gateway] --web_request--> [web] --claim_jid, set_secret,--> [session_manager]
//   (Pistache threads)       (adapter)   <--web_response--  |     check_code, step, ...
//        (a claimed JID binds when a message from it carries the visit's word; the claim carries
//         the grade, which the manager sends on completion)
#pragma once

#include "actors/contract/interfaces.hpp"
#include "actors/lms/lti13_client.hpp"
#include "lti/lti13/lti13.hpp"
#include "lti/pages/web_flow.hpp"
#include "lti/pages/web_types.hpp"

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/replies_to.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <utility>
#include <memory>
#include <vector>

namespace spdlog {
class logger;
}

namespace otrbot {

/// Where one HTTP request's response goes: the HTTP adapter's writer for it. Written at most
/// once, from the web actor's thread; the adapter's writer answers 503 by itself when it is
/// dropped unwritten (its request was lost with the actor).
class response_sink {
public:
  virtual ~response_sink() = default;
  virtual void write(const lti::web_response& r) = 0;
};

/// An HTTP request with where its response goes. Only ever sent between actors of this
/// process, and rendered by its name alone (the request's body may hold a secret).
struct web_call {
  lti::web_request request;
  std::shared_ptr<response_sink> answer;
};

/// The web actor's messages: an HTTP request in, its response out, either as the reply (tests,
/// and the actor's own routes) or written to the request's sink (the HTTP adapter: no actor
/// and no timer per request, and one hop fewer).
using web_actor = caf::typed_actor<caf::replies_to<lti::web_request>::with<lti::web_response>,
                                   caf::reacts_to<web_call>, caf::reacts_to<atoms::tick>>;

/// A deadline of the web actor's (actors/web/web_deadlines.hpp): when it passes, and a serial
/// number that makes it unique.
using deadline_key = std::pair<std::chrono::steady_clock::time_point, std::uint64_t>;

/// What the web actor needs for LTI 1.3 (off without [lti13]).
struct lti13_web_config {
  bool enabled = false;
  std::string jwks;  ///< the tool's public key set (JSON), for GET /lti13/jwks
  lti13::platforms platforms;  ///< the config's and the registered ones
  lti13_client_actor client;  ///< key sets and registration (HTTP on threads of their own)
  /// Seals the logins' states and derives their nonces and bindings (from the store's key: a
  /// login survives a restart); empty: a random one at start.
  std::string state_key;
  /// Seals registration invites (from the store's key: `otrbot lti13-invite` makes them too);
  /// empty: a random one at start.
  std::string invite_key;
};

struct web_config {
  lti::web_settings pages;
  std::string admin_token;  ///< empty: the admin API answers 404
  session_manager_actor manager;  ///< asked with timed requests
  store_actor store;        ///< keeps web sessions and nonces (none: memory only, as in tests)
  outcomes_actor outcomes;  ///< for the admin API's grade retries
  grade_keeper_actor grades;  ///< graded launches of students who proved their JID
  /// The web sessions the store had at start (pages open in browsers go on working).
  std::vector<lti::web_session> restored;
  /// How long the web actor waits for the session manager (and the store): the page then says
  /// what happened.
  std::chrono::milliseconds manager_timeout{8000};
  lti13_web_config lti13;
};

struct web_state {
  static constexpr const char* name = "web";
  web_config cfg;
  std::map<std::string, lti::web_session> sessions;  ///< by id
  std::int64_t last_sweep = 0;  ///< when expired sessions were last removed (Unix time)
  lti::nonce_store nonces;
  /// Registration invites used, when there is no store to remember them.
  std::set<std::string> used_invites;
  /// Per visit: when its current minute began, and the secrets sent in it.
  std::map<std::string, std::pair<std::int64_t, int>> spoken;
  /// Per client address: when its current minute began, and its wrong admin tokens in it.
  std::map<std::string, std::pair<std::int64_t, int>> admin_failures;
  /// Development mode: visits of "/" so far, each a student of the development class.
  std::int64_t dev_visits = 0;
  /// The requests waiting for an answer, by deadline: what each does when its deadline passes;
  /// the last serial number given; whether the timer (atoms::tick) is on its way.
  std::map<deadline_key, std::function<void()>> deadlines;
  std::uint64_t deadline_serial = 0;
  bool deadline_timer = false;
  std::shared_ptr<spdlog::logger> log;
};

web_actor::behavior_type web(web_actor::stateful_pointer<web_state> self, web_config cfg);

namespace lti {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, web_request& x) {
  // The body holds secrets typed on the pages: never in a string rendering.
  return f(caf::meta::type_name("web_request"), x.method, x.path, caf::meta::omittable(), x.query,
           caf::meta::omittable(), x.body, caf::meta::omittable(), x.cookie_token, caf::meta::omittable(), x.lti13_cookies,
           caf::meta::omittable(), x.authorization, x.host, x.forwarded_proto, x.forwarded_host, x.forwarded_for, x.origin, x.fetch_site, x.remote);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, web_response& x) {
  return f(caf::meta::type_name("web_response"), x.status, x.kind, caf::meta::omittable(), x.body,
           x.location, caf::meta::omittable(), x.set_cookie, x.bearer_challenge, x.plain);
}

} // namespace lti

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, web_call&) {
  return f(caf::meta::type_name("web_call"));
}

} // namespace otrbot
