// The messages between otrbot's actors: atoms, payload types and their inspect() overloads.
//
//   XMPP server <-> [xmpp_gateway] --inbound_*--> [session_manager] --> [session x N]
//                         ^                         |   ^                    |
//                         '--outbound_*, roster_change-'   '--- down_msg ----'
//                         '------------------ outbound_message --------------'
#pragma once

#include "actors/contract/store_types.hpp"
#include "lti/lti13/lti13.hpp"
#include "lti/pages/jid_claim.hpp"
#include "lti/pages/step_view.hpp"
#include "transport/xmpp/xmpp_types.hpp"

#include <caf/all.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace otrbot::otr {
class private_key;
}

CAF_BEGIN_TYPE_ID_BLOCK(otrbot, caf::first_custom_type_id)

  /// Gateway: start connecting (sent once the manager knows the gateway).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, start, "start")
  /// Gateway: close the connection and end.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, stop, "stop")
  /// Manager: this is the gateway to send through (with its handle).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, gateway, "gateway")
  /// Manager: the bot is online (sent by the gateway after each login).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, online, "online")
  /// Manager: whitelist a JID with a locale -> true, or ec::invalid_jid (why).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, add_jid, "add_jid")
  /// Manager: (jid_claim) a visit claims a JID until a message from it carries the visit's
  /// word -> claim_state (asked again, it renews the claim and says whether it was proved).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, claim_jid, "claim_jid")
  /// Manager: remove a JID from the whitelist and end its session -> bool.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, remove_jid, "remove_jid")
  /// Manager: the whitelist -> std::vector<whitelist_entry>.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, whitelist, "whitelist")
  /// Manager: the bare JIDs with a running session -> std::vector<std::string>.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, sessions, "sessions")
  /// Manager and session: the shared secret from the LMS page -> true, or
  /// ec::weak_secret (why, a msgid), or ec::unknown_jid (manager).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, set_secret, "set_secret")
  /// Manager and session: the code typed on the LMS page -> whether it is the
  /// code; ec::no_session when the JID has no lesson running (manager).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, check_code, "check_code")
  /// Manager -> session: the page took the right code (the manager checked it against what
  /// was sent, perhaps before a restart): the lesson completes and the student is told.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, code_accepted, "code_ok")
  /// Session -> manager: a refresh-list event happened (the session lives on).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, activity, "activity")
  /// Session -> manager: the student completed the lesson (the manager sends
  /// the grade registered for them, if any).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, completed, "completed")
  /// Web -> manager: (jid, grade_job) the grade to send when that student's
  /// lesson completes (a graded learner launch bound to the JID; the latest wins).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, grade_when_done, "grade_done")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, grade_gone, "grade_gone")
  /// Manager -> session: warn that the session ends soon (with minutes left).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, warn, "warn")
  /// Manager -> session: say goodbye, then reply (the manager ends it).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, sign_out, "sign_out")
  /// Manager -> session: the student's resource went offline.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, offline, "offline")
  /// Manager: (step, jid) -> the step of that JID's lesson (lti::step_view; named "" without
  /// a session); step_reached (jid, lti::step_view) from a session: its lesson's new step.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, step, "step")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, step_reached, "step_reach")
  /// Manager: every session -> std::vector<session_info>.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, session_list, "sess_list")
  /// Manager: (class_status, jids) -> a session_info per JID: the running session's step and
  /// when it reached it (in last_activity), "completed" once done, "" (and 0) when it has
  /// neither (the teacher view).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, class_status, "class_stat")
  /// Session -> manager: (live, jid, live_progress) what the student's page shows live changed;
  /// web -> manager: (live, jid) -> live_progress.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, live, "live")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, live_changed, "live_chg")
  /// Manager: end a JID's session as on timeout -> bool (false: no session).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, end_session, "end_sess")
  /// Manager: development mode's "Start again": end a JID's session the same way -> bool.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, start_over, "start_over")
  /// Outcomes: send a grade (with a grade_job).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, grade, "grade")
  /// Session-internal: send the next typed line; run libotr's timer; check timeouts (tick: also
  /// the web actor's timer for its deadlines).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, type_next, "type_next")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, otr_poll, "otr_poll")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, tick, "tick")

  /// Session -> manager: (jid, mac) the code went out over the verified
  /// session (the HMAC under which the store keeps it).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, code_sent, "code_sent")
  /// Store: whitelist (jid, locale, source, added_by) -> bool; remove (jid) -> bool, both
  /// answered once on disk.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_put_wl, "st_put_wl")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_del_wl, "st_del_wl")
  /// Store: (jid, step, had_secret) a student's step; (jid, mac) their code's HMAC.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_step, "st_step")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_code, "st_code")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_om_peer, "st_om_peer")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_om_dev, "st_om_dev")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_lesson, "st_lesson")
  /// Store: (jid, grade_job) the latest graded launch of a student.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_outcome, "st_outcome")
  /// Store: (jid, how) a completion.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_done, "st_done")
  /// Store: (consumer, nonce, now, web session row) -> whether the nonce is new (then the visit
  /// is kept with it, in one write).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_launch, "st_launch")
  /// Store: (grade) a new grade -> its id (0: that launch has one already);
  /// (grade) an attempt's result; (id) one grade; the pending and failed ones.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_grade, "st_grade")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_grade_of, "st_grad_of")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_graded, "st_graded")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_grades, "st_grades")
  /// Store: (row) a web session; its own timer: retry failed writes.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_web, "st_web")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_retry, "st_retry")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_ckpt, "st_ckpt")
  /// Outcomes: (id) send this stored grade now (an admin's retry).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, retry, "retry")
  /// Outcomes, store: (platform as JSON) an LTI 1.3 platform registered while the bot runs.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, lti13_platform, "lti13_plat")
  /// Store: (invite id, expiry, take) -> take: whether the registration invite was unused (now
  /// it is used); release: true (usable again).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, st_invite, "st_invite")
  /// LTI 1.3 client: (key set URL, kid) -> the platform's JWKS; (configuration URL, registration
  /// token, request) -> the platform registered (as JSON).
  CAF_ADD_ATOM(otrbot, otrbot::atoms, key_set, "key_set")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, register_tool, "reg_tool")
  /// Key pool: a fresh OTR key -> otr_key; a key maker: make one -> otr_key; the pool's own
  /// timer: make keys again after one could not be made; a session took a key from the stock.
  CAF_ADD_ATOM(otrbot, otrbot::atoms, take_key, "take_key")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, make_key, "make_key")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, refill, "refill")
  CAF_ADD_ATOM(otrbot, otrbot::atoms, key_taken, "key_taken")

CAF_END_TYPE_ID_BLOCK(otrbot)

namespace otrbot {

/// A whitelist entry as the manager reports it.
struct whitelist_entry {
  std::string jid;
  std::string locale;
};

/// A session as the admin API lists it.
struct session_info {
  std::string jid;
  lti::step_view step;  ///< as the student's lesson describes it (name "": none running)
  std::string locale;
  std::int64_t last_activity = 0;  ///< Unix time
  std::string client;              ///< the student's chat program, as they know it ("" unknown)
};

/// What the student's page follows live: the step, whether the chat is encrypted, the bot's
/// fingerprint in this session, and the last authentication's state.
struct live_progress {
  lti::step_view step;      ///< as the student's lesson describes it (name "": no session)
  bool encrypted = false;
  std::string fingerprint;  ///< the bot's fingerprint for this student ("" before the key)
  std::string check;        ///< the check of identities: "", "running", "succeeded", "failed", "aborted"
  std::string client;       ///< the student's chat program ("Profanity"), "" while unknown
  friend bool operator==(const live_progress&, const live_progress&) = default;
};


/// A fresh OTR private key from the key pool, used by one session only. Only ever sent
/// between actors of this process, and rendered by its name alone (its inspect() lists no
/// field: it is a secret).
struct otr_key {
  std::shared_ptr<const otr::private_key> key;
};

/// Work for the cryptography threads (actors/chat/crypto_pool.hpp): one call into one
/// session's encrypted conversation, which waits for it. Between actors of this process only,
/// rendered by its name alone, like otr_key.
struct crypto_job {
  std::function<void()> run;
  /// Lower goes first: the session's start (steady clock, ns), so that the students who came
  /// first finish first rather than every lesson advancing a step at a time.
  std::int64_t rank = 0;
};

/// The bot's roster as the server sent it after login.
struct roster_snapshot {
  std::vector<xmpp::roster_item> items;
};

} // namespace otrbot

namespace otrbot::lti {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_view& x) {
  return f(caf::meta::type_name("step_view"), x.lesson, x.name, x.number, x.of, x.line, x.page, x.code_intro,
           x.done);
}

/// A grade target crosses as the variant it is; rendered (and, were it ever read back, made
/// again) through the text columns it is kept in.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, grade_target& x) {
  auto c = columns_of(x);
  return f(caf::meta::type_name("grade_target"), c.url, c.sourcedid, c.consumer_key,
           caf::meta::load_callback([&]() -> caf::error {
             x = target_of(c);
             return caf::none;
           }));
}
} // namespace otrbot::lti

namespace otrbot::lti13 {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, platform& x) {
  return f(caf::meta::type_name("platform"), x.issuer, x.client_id, x.auth_login_url,
           x.auth_token_url, x.key_set_url, x.deployment_ids, x.fixed_deployments, x.source,
           x.configuration_host, x.grade_hosts);
}
} // namespace otrbot::lti13

namespace otrbot {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, whitelist_entry& x) {
  return f(caf::meta::type_name("whitelist_entry"), x.jid, x.locale);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("session_info"), x.jid, x.step, x.locale, x.last_activity,
           x.client);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, live_progress& x) {
  return f(caf::meta::type_name("live_progress"), x.step, x.encrypted, x.fingerprint, x.check,
           x.client);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, grade_job& x) {
  return f(caf::meta::type_name("grade_job"), x.target, x.score);
}

/// A claim's word is a secret of its visit: rendered without it.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, jid_claim& x) {
  return f(caf::meta::type_name("jid_claim"), x.jid, x.visit, caf::meta::omittable(), x.word,
           x.locale, x.by, x.graded, x.grade, x.expires, x.lesson);
}

inline std::string to_string(claim_state x) {
  switch (x) {
    case claim_state::pending: return "pending";
    case claim_state::bound: return "bound";
    case claim_state::too_many: return "too_many";
  }
  return "?";
}

} // namespace otrbot

namespace otrbot::store {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, grade& x) {
  return f(caf::meta::type_name("grade"), x.id, x.jid, x.target, x.score, x.state, x.attempts, x.created_at, x.next_attempt_at, x.done_at, x.last_error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, whitelist_request& x) {
  return f(caf::meta::type_name("whitelist_request"), x.jid, x.locale, x.source, x.added_by);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, web_session_row& x) {
  // The data holds the session's CSRF token: never in a string rendering.
  return f(caf::meta::type_name("web_session_row"), x.id, x.expires, caf::meta::omittable(), x.data);
}

} // namespace otrbot::store

namespace otrbot {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, otr_key&) {
  return f(caf::meta::type_name("otr_key"));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, crypto_job&) {
  return f(caf::meta::type_name("crypto_job"));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, roster_snapshot& x) {
  return f(caf::meta::type_name("roster_snapshot"), x.items);
}

} // namespace otrbot

namespace otrbot::xmpp {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_message& x) {
  // The body is a student's words: it never goes into a string rendering.
  return f(caf::meta::type_name("inbound_message"), x.from, caf::meta::omittable(), x.body,
           caf::meta::omittable(), x.element);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_presence& x) {
  return f(caf::meta::type_name("inbound_presence"), x.from, x.type, x.caps_node);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, software_query& x) {
  return f(caf::meta::type_name("software_query"), x.to);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pep_item& x) {
  return f(caf::meta::type_name("pep_item"), x.node, x.item_id, x.payload_xml);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pep_query& x) {
  return f(caf::meta::type_name("pep_query"), x.to, x.node);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_pep& x) {
  return f(caf::meta::type_name("inbound_pep"), x.from, x.node, caf::meta::omittable(),
           x.payload_xml);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_software& x) {
  return f(caf::meta::type_name("inbound_software"), x.from, x.name, x.caps_node);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, roster_item& x) {
  return f(caf::meta::type_name("roster_item"), x.jid, x.subscription, x.ask_subscribe);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_message& x) {
  return f(caf::meta::type_name("outbound_message"), x.to, caf::meta::omittable(), x.body,
           caf::meta::omittable(), x.element);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_presence& x) {
  return f(caf::meta::type_name("outbound_presence"), x.to, x.type, x.status);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, roster_change& x) {
  return f(caf::meta::type_name("roster_change"), x.jid, x.remove);
}

} // namespace otrbot::xmpp
