// The store's rows as plain data: what the store actor hands the other actors (no SQLite here).
#pragma once

#include "lti/wire/grade_target.hpp"
#include "transport/xmpp/jid.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::store {

/// Where a grade in the outbox is.
enum class grade_state : std::uint8_t {
  pending,  ///< being sent (retried with backoff)
  done,     ///< accepted by the LMS
  failed,   ///< given up on; an admin or the teacher may send it again
  held,     ///< not on disk yet (the store refused the write: a full disk); never in a row
};

/// Who put a JID on the whitelist.
enum class whitelist_source : std::uint8_t {
  config,  ///< the settings file's [whitelist] (only the seed)
  pages,   ///< a student who proved their JID on the pages
  admin,   ///< the admin API
};

/// The names these have in the store's rows, the admin API's JSON and the settings' keys.
constexpr std::string_view name(grade_state s) {
  switch (s) {
    case grade_state::pending: return "pending";
    case grade_state::done: return "done";
    case grade_state::failed: return "failed";
    case grade_state::held: return "held";
  }
  return "failed";
}

constexpr std::string_view name(whitelist_source s) {
  switch (s) {
    case whitelist_source::config: return "config";
    case whitelist_source::pages: return "pages";
    case whitelist_source::admin: return "admin";
  }
  return "config";
}

inline std::optional<grade_state> grade_state_of(std::string_view text) {
  for (auto s : {grade_state::pending, grade_state::done, grade_state::failed})
    if (name(s) == text)
      return s;
  return std::nullopt;
}

inline std::optional<whitelist_source> whitelist_source_of(std::string_view text) {
  for (auto s : {whitelist_source::config, whitelist_source::pages, whitelist_source::admin})
    if (name(s) == text)
      return s;
  return std::nullopt;
}

/// CAF renders message elements with to_string.
inline std::string to_string(grade_state s) { return std::string{name(s)}; }
inline std::string to_string(whitelist_source s) { return std::string{name(s)}; }

/// A JID to put on the whitelist: who asks, for which language.
struct whitelist_request {
  xmpp::bare_jid jid;  ///< parsed by the sender, at its edge
  std::string locale;
  whitelist_source source = whitelist_source::pages;
  std::string added_by;  ///< the LMS user ("LMS user ..."), "admin API" or "config"
};

/// A student the bot knows: their whitelist entry and their progress.
struct student {
  std::string jid;       ///< bare JID
  std::string locale;
  whitelist_source source = whitelist_source::config;
  std::string added_by;  ///< the LMS user, "admin API" or "config"
  std::int64_t added_at = 0;
  bool removed = false;  ///< removed at run time: the config's seed does not bring it back
  std::string step;      ///< the lesson's last step ("" before the first)
  bool had_secret = false;    ///< a shared secret was given (it is not kept)
  std::string code_mac;       ///< HMAC of the code sent after verification ("" none)
  bool completed = false;
  std::optional<lti::grade_target> graded;  ///< where the latest graded launch's grade goes
  std::string lesson;    ///< the lesson the course chose: "otr", "omemo", "" (auto)
};

/// A grade in the outbox.
struct grade {
  std::int64_t id = 0;
  std::string jid;
  lti::grade_target target;
  double score = 1.0;
  grade_state state = grade_state::pending;
  std::int32_t attempts = 0;
  std::int64_t created_at = 0, next_attempt_at = 0, done_at = 0;
  std::string last_error;
};

/// A web session, as the web actor keeps it (its fields as JSON, opaque here).
struct web_session_row {
  std::string id;
  std::int64_t expires = 0;
  std::string data;
};

/// A launch for the store: its nonce (the consumer's key or the platform's, the nonce), when it
/// came, and the visit to keep when the nonce is new.
struct launch_row {
  std::string consumer;
  std::string nonce;
  std::int64_t now = 0;
  web_session_row visit;
};

} // namespace otrbot::store
