// Every actor's typed interface, in one place: the contract between otrbot's actors, checked by
// the compiler. A message has one meaning; its reply (or an otrbot::ec error) is in its line.
//
//   XMPP server <-> [xmpp_gateway] --inbound_*, online, roster--> [session_manager] --completed--> [grade_keeper]
//                        ^                                          |    ^     ^                          |   ^
//                        '-- outbound_*, roster_change -------------'    |     | step, claim_jid,    grade v   | grade_when_done
//                        '-- outbound_message -- [session x N] ----------'     | set_secret, check_code  [outcomes] |
//                                                    '--take_key--> [key_pool] |  (key makers: a thread per core; its key_stock)
//                                                    '--crypto_job-> [crypto_pool] (one thread per core, below serving)
//   browser/LMS <-> [http_gateway] --web_request--> [web] ---------------------'-------------------------------'
//                                                   (web: actors/web/web.hpp)
#pragma once

#include "actors/contract/messages.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace otrbot {

/// The XMPP gateway (actors/chat/xmpp_gateway.cpp): owns the one libstrophe connection.
using xmpp_gateway_actor = caf::typed_actor<
  /// Connect (sent once the manager knows the gateway).
  caf::reacts_to<atoms::start>,
  /// Close the connection and end.
  caf::reacts_to<atoms::stop>,
  /// Send a chat message (kept while offline, sent after the next login).
  caf::reacts_to<xmpp::outbound_message>,
  /// Send a presence (subscriptions, availability).
  caf::reacts_to<xmpp::outbound_presence>,
  /// Add or remove a roster item.
  caf::reacts_to<xmpp::roster_change>,
  /// Ask a student's client which software it is (XEP-0092; the answer goes to the manager).
  caf::reacts_to<xmpp::software_query>,
  /// Publish (again) an item to the bot's own PEP nodes, readable by anyone (OMEMO's bundle
  /// after a prekey was used; only while online: each login publishes the current ones).
  caf::reacts_to<xmpp::pep_item>,
  /// Read the newest item of a student's PEP node (OMEMO's device list and bundles; the answer
  /// goes to the manager, for that student's session).
  caf::reacts_to<xmpp::pep_query>>;

/// The key pool (actors/chat/key_pool.cpp): fresh OTR keys made ahead by its key makers.
using key_pool_actor = caf::typed_actor<
  /// A fresh key, used once -> at once from the pool, else the next key made (first come,
  /// first served), or an error when keys cannot be made.
  caf::replies_to<atoms::take_key>::with<otr_key>,
  /// A session took a key from the stock the pool fills (actors/chat/key_stock.hpp): another
  /// is made.
  caf::reacts_to<atoms::key_taken>,
  /// Its own timer: make keys again after one could not be made.
  caf::reacts_to<atoms::refill>>;

/// A key maker (actors/chat/key_pool.cpp): one per core, each on a thread of its own at a
/// priority below the threads that serve students.
using key_maker_actor = caf::typed_actor<
  /// Make one key -> the key, or an error.
  caf::replies_to<atoms::make_key>::with<otr_key>>;

/// The crypto pool (actors/chat/crypto_pool.cpp): the sessions' public-key arithmetic (OTR's
/// AKE and SMP), on threads of its own at a priority below serving, first come, first served.
using crypto_pool_actor = caf::typed_actor<
  /// Run this call -> true once it ran.
  caf::replies_to<crypto_job>::with<bool>>;

/// A cryptography thread (actors/chat/crypto_pool.cpp): one per core.
using crypto_worker_actor = caf::typed_actor<caf::replies_to<crypto_job>::with<bool>>;

/// The store (actors/store/store.cpp), on a thread of its own (blocking SQLite): the one owner of
/// the database. Requests are answered once the write is on disk (or with an error); the
/// other writes are retried until they are.
using store_actor = caf::typed_actor<
  caf::replies_to<atoms::st_put_wl, store::whitelist_request>::with<bool>,
  caf::replies_to<atoms::st_del_wl, std::string>::with<bool>,
  caf::reacts_to<atoms::st_step, std::string, std::string, bool>,
  caf::reacts_to<atoms::st_code, std::string, std::string>,
  /// OMEMO: a student's sessions (bare JID, record), one of the bot's devices (role, record).
  caf::reacts_to<atoms::st_om_peer, std::string, std::string>,
  caf::reacts_to<atoms::st_om_dev, std::string, std::string>,
  /// The lesson a course chose for a student (bare JID, "otr" | "omemo" | "" for auto).
  caf::reacts_to<atoms::st_lesson, std::string, std::string>,
  caf::reacts_to<atoms::st_outcome, std::string, grade_job>,
  /// A completion: answered once on disk, or at once with ec::not_stored (kept and retried; the
  /// asker gets (st_done, jid) when it lands).
  caf::replies_to<atoms::st_done, std::string, std::string>::with<bool>,
  /// A launch (consumer or platform, nonce, now, its visit): the nonce taken and the visit kept
  /// in one write; false: the nonce was seen before (nothing kept).
  caf::replies_to<atoms::st_launch, std::string, std::string, std::int64_t,
                  store::web_session_row>::with<bool>,
  /// Its own note: write the launches that came meanwhile, in one transaction.
  caf::reacts_to<atoms::st_launch>,
  caf::replies_to<atoms::st_invite, std::string, std::int64_t, bool>::with<bool>,
  caf::replies_to<atoms::st_grade, store::grade>::with<std::int64_t>,
  caf::reacts_to<atoms::st_graded, store::grade>,
  caf::replies_to<atoms::st_grade_of, std::int64_t>::with<store::grade>,
  caf::replies_to<atoms::st_grades>::with<std::vector<store::grade>>,
  caf::reacts_to<atoms::st_web, store::web_session_row>,
  /// An LTI 1.3 platform: registered, or a deployment recorded (kept as JSON).
  caf::reacts_to<atoms::lti13_platform, lti13::platform>,
  caf::reacts_to<atoms::st_retry>,
  /// Time to checkpoint the WAL into the database (and truncate it).
  caf::reacts_to<atoms::st_ckpt>>;

/// The grade sender (actors/lms/outcomes.cpp), on a thread of its own (blocking HTTP): works through
/// the store's grade outbox.
using outcomes_actor = caf::typed_actor<
  /// Send this stored grade (its attempts so far in it); retried with backoff until the LMS
  /// says success or the give-up time passes; every attempt is recorded in the store.
  caf::reacts_to<atoms::grade, store::grade>,
  /// An admin's retry: send this stored grade now (also a failed one).
  caf::reacts_to<atoms::retry, store::grade>,
  /// An LTI 1.3 platform registered while the bot runs.
  caf::reacts_to<atoms::lti13_platform, lti13::platform>>;

/// One student's session (actors/chat/session.cpp): their OTR conversation and lesson.
using session_actor = caf::typed_actor<
  /// A chat message from the student (any of their resources).
  caf::reacts_to<xmpp::inbound_message>,
  /// What the student's client is (its name or caps node): the steps use its own words.
  caf::reacts_to<xmpp::inbound_software>,
  /// What the student's account publishes (an answer to the session's pep_query).
  caf::reacts_to<xmpp::inbound_pep>,
  /// The shared secret from the page -> true, or ec::weak_secret (the reason, a msgid).
  caf::replies_to<atoms::set_secret, std::string>::with<bool>,
  /// The code typed on the page -> whether it is the code of the latest verification.
  /// The manager accepted the code typed on the page: complete the lesson and congratulate.
  caf::reacts_to<atoms::code_accepted>,
  /// Warn that the session ends in this many seconds without activity.
  caf::reacts_to<atoms::warn, std::int64_t>,
  /// End OTR, after the goodbye when `true` (a completed lesson ends without one) -> true once
  /// sent (the manager ends the actor).
  caf::replies_to<atoms::sign_out, bool>::with<bool>,
  /// This full JID of the student went offline.
  caf::reacts_to<atoms::offline, std::string>,
  /// Its own timers: type the next line; run libotr's timer.
  caf::reacts_to<atoms::type_next>,
  caf::reacts_to<atoms::otr_poll>>;

/// The session manager (actors/chat/session_manager.cpp): whitelist, sessions, timeouts,
/// progress; it tells the grade keeper of completions.
/// The grade keeper (actors/lms/grade_keeper.cpp): the LMS side's bookkeeping of grades. It
/// owns each student's grade target (their latest graded launch, kept in the store), and when
/// the session manager says a student completed, puts the grade into the store's outbox and
/// hands it to the grade sender (once per launch).
using grade_keeper_actor = caf::typed_actor<
  /// The student's (bare JID) graded launch: its grade goes out when they complete.
  caf::reacts_to<atoms::grade_when_done, std::string, grade_job>,
  /// The student completed the lesson (told on each completion the manager hears of).
  caf::reacts_to<atoms::completed, std::string>,
  /// The student left the whitelist: their grade target goes.
  caf::reacts_to<atoms::grade_gone, std::string>>;

using session_manager_actor = caf::typed_actor<
  /// Shutdown: end every session at once (lines waiting to be typed are dropped), then end.
  caf::reacts_to<atoms::stop>,
  /// This is the gateway to send stanzas through.
  caf::reacts_to<atoms::gateway, xmpp_gateway_actor>,
  /// The gateway logged in (again).
  caf::reacts_to<atoms::online>,
  /// The roster the server sent after login: subscriptions are brought in line with the whitelist.
  caf::reacts_to<roster_snapshot>,
  /// A presence, and a chat message, from anyone (only whitelisted JIDs get an answer).
  caf::reacts_to<xmpp::inbound_presence>,
  caf::reacts_to<xmpp::inbound_message>,
  /// The gateway: a client's answer to a software query, and an account's published item (for
  /// that student's session).
  caf::reacts_to<xmpp::inbound_software>,
  caf::reacts_to<xmpp::inbound_pep>,
  /// From a session: its student did something on the refresh list.
  caf::reacts_to<atoms::activity, std::string>,
  /// From a session: its lesson moved to this step (jid, the step as its plan describes it).
  caf::reacts_to<atoms::step_reached, std::string, lti::step_view>,
  caf::reacts_to<atoms::live_changed, std::string, live_progress>,
  /// From a session: its student completed the lesson (the registered grade goes out).
  caf::reacts_to<atoms::completed, std::string>,
  /// From a session: the code went out over the verified session (jid, its HMAC).
  caf::reacts_to<atoms::code_sent, std::string, std::string>,
  /// From the store: a completion the disk had refused is on disk now (the page was told to try
  /// again; the student is congratulated and graded without it).
  caf::reacts_to<atoms::st_done, std::string>,
  /// Its own timer: check the timeouts.
  caf::reacts_to<atoms::tick>,
  /// Whitelist a JID with a locale, saying who asked (source, added_by) -> true once stored,
  /// or ec::invalid_jid (why; the bot's own JID is refused here only), ec::whitelist_full,
  /// ec::not_stored.
  caf::replies_to<atoms::add_jid, store::whitelist_request>::with<bool>,
  /// A visit claims a JID (the bot's own is refused here): nothing is said to it until a
  /// message from it carries the claim's word, which whitelists it for that visit (with the
  /// claim's locale and grade) -> pending, bound (that visit proved it), too_many; or
  /// ec::invalid_jid, ec::whitelist_full. Asked again with the same visit: renewed.
  caf::replies_to<atoms::claim_jid, jid_claim>::with<claim_state>,
  /// Remove a JID from the whitelist and end its session -> false when it was not whitelisted.
  caf::replies_to<atoms::remove_jid, xmpp::bare_jid>::with<bool>,
  /// End a JID's session as on timeout -> false when it has none.
  caf::replies_to<atoms::end_session, xmpp::bare_jid>::with<bool>,
  caf::replies_to<atoms::start_over, xmpp::bare_jid>::with<bool>,
  /// The shared secret from the page (jid, secret) -> true, or ec::unknown_jid / ec::weak_secret.
  caf::replies_to<atoms::set_secret, xmpp::bare_jid, std::string>::with<bool>,
  /// The code typed on the page (jid, code) -> whether it is right, or ec::no_session.
  caf::replies_to<atoms::check_code, xmpp::bare_jid, std::string>::with<bool>,
  /// The lesson step of a JID (its name is "" when no session runs and it is not completed).
  caf::replies_to<atoms::step, xmpp::bare_jid>::with<lti::step_view>,
  /// What the student's page shows live (the step as above).
  caf::replies_to<atoms::live, xmpp::bare_jid>::with<live_progress>,
  /// The whitelist; the running sessions (admin API); their bare JIDs.
  caf::replies_to<atoms::whitelist>::with<std::vector<whitelist_entry>>,
  caf::replies_to<atoms::session_list>::with<std::vector<session_info>>,
  /// The teacher view: per JID its step and when it got there (last_activity), "completed".
  caf::replies_to<atoms::class_status, std::vector<xmpp::bare_jid>>::with<std::vector<session_info>>,
  caf::replies_to<atoms::sessions>::with<std::vector<std::string>>>;

} // namespace otrbot
