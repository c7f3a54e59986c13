// The store's rows as plain data: what the store actor hands the other actors (no SQLite here).
#pragma once

#include <cstdint>
#include <string>

namespace otrbot::store {

/// A student the bot knows: their whitelist entry and their progress.
struct student {
  std::string jid;       ///< bare JID
  std::string locale;
  std::string source;    ///< "config", "pages" or "admin"
  std::string added_by;  ///< the LMS user, "admin API" or "config"
  std::int64_t added_at = 0;
  bool removed = false;  ///< removed at run time: the config's seed does not bring it back
  std::string step;      ///< the lesson's last step ("" before the first)
  bool had_secret = false;    ///< a shared secret was given (it is not kept)
  std::string code_mac;       ///< HMAC of the code sent after verification ("" none)
  bool completed = false;
  std::string outcome_url, sourcedid, consumer_key;  ///< the latest graded launch
};

/// A grade in the outbox.
struct grade {
  std::int64_t id = 0;
  std::string jid;
  std::string outcome_url, sourcedid, consumer_key;
  double score = 1.0;
  std::string state;  ///< "pending", "done" or "failed" (gave up; an admin may retry)
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

} // namespace otrbot::store
