// What must survive a restart, in SQLite (WAL): the whitelist, each student's progress,
// completions, LTI nonces, web sessions and the grade outbox. Pure storage: no actors, no
// network; one object owns one connection and is used from one thread (the store actor's).
//
// Secrets are not stored: never the shared secret, and the code sent over OTR only as an
// HMAC (so that a code sent before a restart can still be checked after it). The HMAC key lives
// in a file of its own beside the database (see store_key), so a copy of the database alone
// does not let anyone test codes.
#pragma once

#include "actors/contract/store_types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace SQLite {
class Database;
class Statement;
}

namespace otrbot::store {

/// Why the store could not be opened at start (each is exit code 8, with its own line).
class open_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class database {
public:
  /// Opens (or creates) the database at `path`: refuses a file that is not a
  /// readable otrbot database (never writing to it), one that another
  /// process holds, or one made by a newer otrbot; then WAL mode and the
  /// schema's forward migrations. Throws open_error saying what to fix.
  /// A write waits up to `busy_timeout_ms` for another program's lock.
  static database open(const std::string& path, int busy_timeout_ms = 5000);
  database(database&&) noexcept;
  database& operator=(database&&) noexcept;
  ~database();

  /// The schema version this build writes.
  static int schema_version();

  // The whitelist and progress. Writes throw SQLite::Exception on failure.
  std::vector<student> students() const;
  /// Adds the config's whitelist: JIDs the store does not know yet (a JID
  /// removed at run time stays removed; stored locales win).
  void seed(const std::vector<std::pair<std::string, std::string>>& jid_locale, std::int64_t now);
  void put_whitelist(const std::string& jid, const std::string& locale, whitelist_source source,
                     const std::string& added_by, std::int64_t now);
  void remove_whitelist(const std::string& jid, std::int64_t now);
  void put_step(const std::string& jid, const std::string& step, bool had_secret, std::int64_t now);
  /// The lesson a course chose for the student ("otr", "omemo", "" for auto).
  void put_lesson(const std::string& jid, const std::string& lesson, std::int64_t now);
  void put_code_mac(const std::string& jid, const std::string& mac, std::int64_t now);
  void put_outcome(const std::string& jid, const lti::grade_target& target, std::int64_t now);
  /// Records a completion once: a second call for a completed student changes nothing.
  void record_completion(const std::string& jid, const std::string& how, std::int64_t now);
  /// A pending grade for each completed, whitelisted student whose stored launch has none (a
  /// kill -9 between the completion's write and the grade's): how many were added.
  int enqueue_missing_grades(std::int64_t now);

  /// What a WAL checkpoint did: `busy` when a reader (a backup) kept it from finishing.
  struct checkpoint_result {
    bool busy = false;
    int wal_frames = 0, checkpointed = 0;
  };
  /// Copies the WAL into the database and truncates it to nothing, without waiting for
  /// readers (a backup that is reading makes it `busy`: it is tried again later).
  checkpoint_result checkpoint();
  /// PRAGMA synchronous of the connection for every write (2: FULL) and of the one for a
  /// nonce's and a web session's (1: NORMAL). For tests.
  int synchronous() const;
  int relaxed_synchronous() const;

  /// True (and remembered) when (consumer, nonce) was not seen since
  /// now - window; older nonces are forgotten.
  bool nonce_first_use(const std::string& consumer, const std::string& nonce, std::int64_t now,
                       std::int64_t window);
  /// A launch, in one transaction: its nonce as nonce_first_use, and, when the nonce is new,
  /// its visit as put_web_session. False (nothing written): the nonce was seen before.
  bool record_launch(const std::string& consumer, const std::string& nonce, std::int64_t now,
                     std::int64_t window, const web_session_row& visit);
  /// Launches that came together, each as record_launch, in one transaction (one commit's
  /// writes for all of them): whether each nonce was new, in order. A nonce twice among them
  /// is new the first time only. A throw: none of them is written.
  std::vector<bool> record_launches(const std::vector<launch_row>& launches, std::int64_t window);

  /// Adds a pending grade; nullopt when this launch (consumer, URL,
  /// sourcedid) already has one: a second completion is not a second grade.
  std::optional<std::int64_t> enqueue_grade(const grade& g, std::int64_t now);
  /// Records an attempt: the grade's state, attempts, next attempt, last
  /// error, and its give-up clock (created_at; an admin's retry restarts it).
  void grade_attempted(const grade& g, std::int64_t now);
  /// Grades in these states ("pending", "failed", "done"), oldest first.
  std::vector<grade> grades(const std::vector<grade_state>& states) const;
  /// How many grades are in that state (the metrics' outbox depth).
  std::int64_t grade_count(grade_state state) const;
  std::optional<grade> grade_by_id(std::int64_t id) const;

  std::vector<web_session_row> web_sessions(std::int64_t now) const;
  /// Stores a web session; expired ones are removed at most once a minute.
  void put_web_session(const web_session_row& row, std::int64_t now);
  void remove_expired_web_sessions(std::int64_t now);

  /// LTI 1.3 platforms as stored (lti13::encode_platform's JSON), and one stored or replaced.
  std::vector<std::string> lti13_platforms() const;

  /// The bot's OMEMO devices by role ("real", "decoy") and each student's OMEMO sessions (bare
  /// JID ->), as actors/store/omemo_records.hpp writes them. A whitelist removal forgets the
  /// student's sessions.
  std::map<std::string, std::string> omemo_devices() const;
  void put_omemo_device(const std::string& role, const std::string& data);
  std::map<std::string, std::string> omemo_peers() const;
  void put_omemo_peer(const std::string& jid, const std::string& data, std::int64_t now);
  void put_lti13_platform(const std::string& issuer, const std::string& client_id,
                          const std::string& data);

  /// A registration invite used now: true (and remembered until `expires`) when it was not
  /// used before. release_invite forgets it again (the registration it began failed).
  bool take_invite(const std::string& id, std::int64_t expires, std::int64_t now);
  void release_invite(const std::string& id);

private:
  database(std::unique_ptr<SQLite::Database> db, std::unique_ptr<SQLite::Database> relaxed,
           int lock_fd, int busy_timeout_ms);
  std::unique_ptr<SQLite::Database> db_;
  /// A second connection to the same file, for the writes whose loss in a power cut (not in a
  /// crash of the bot: SQLite's WAL keeps those) costs no student anything durable, a launch's
  /// nonce and its web session: synchronous = NORMAL, their commits do not wait for the disk.
  /// (Switching db_ with a PRAGMA around each made SQLite prepare that PRAGMA again each time.)
  std::unique_ptr<SQLite::Database> relaxed_;
  int lock_fd_ = -1;
  int busy_timeout_ms_ = 5000;
  std::int64_t last_sweep_ = 0;  ///< when expired web sessions were last removed
  std::int64_t last_nonce_sweep_ = 0;  ///< when old nonces were last removed
  /// The statements of every launch (its nonce, its web session, their transaction) on
  /// relaxed_, prepared once: SQL text as a string literal, its address the key. Emptied before
  /// the connections close.
  SQLite::Statement& prepared(const char* sql);
  std::map<const char*, std::unique_ptr<SQLite::Statement>> prepared_;
  /// A launch's two rows, each without a transaction of its own (store_launches.cpp).
  bool take_nonce(const std::string& consumer, const std::string& nonce, std::int64_t now,
                  std::int64_t window);
  void keep_web_session(const web_session_row& row, std::int64_t now);
};

/// The key that protects codes and page tokens across restarts: 32 random
/// bytes in `path` (mode 0600), made when absent. Throws open_error.
std::string store_key(const std::string& path);

/// Makes each of `paths` that exists and that others may read or write private to the bot
/// (0600), as the bot makes its own files; a restore under umask 022 leaves them 0644. Returns
/// one sentence per file it changed, for the log.
std::vector<std::string> make_private(const std::vector<std::string>& paths);

/// The MAC under which a code is stored (hex HMAC-SHA256 of the code as the
/// pages compare it: trimmed, upper case).
std::string code_mac(const std::string& key, const std::string& code);

/// A key for one purpose ("codes", "web tokens"), derived from the store key.
std::string derive_key(const std::string& key, const std::string& purpose);

} // namespace otrbot::store
