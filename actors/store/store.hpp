// The store actor: the one owner of the SQLite connection, on a thread of its own.
#pragma once

#include "actors/contract/interfaces.hpp"
#include "actors/store/store_db.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace otrbot {

struct store_config {
  std::shared_ptr<store::database> db;  ///< opened (and migrated) at start
  std::chrono::milliseconds retry_every{2000};  ///< a failed write is tried again after this
  std::int64_t nonce_window = 600;  ///< seconds a nonce is remembered (twice the launch window)
  /// The WAL is copied into the database and truncated this often (SQLite's own checkpoints
  /// never shrink it); 0: never.
  std::chrono::milliseconds checkpoint_every{std::chrono::minutes{5}};
};

/// A launch waiting for its batch's write, and who waits for its answer.
struct launch_waiting {
  store::launch_row row;
  caf::typed_response_promise<bool> answer;
};

/// A write that failed, kept in order to be tried again.
struct pending_write {
  std::string what;  ///< for the log: what it stores (no secret)
  std::function<void(store::database&)> run;
};

struct store_state {
  static constexpr const char* name = "store";
  store_config cfg;
  std::deque<pending_write> pending;  ///< writes not on disk yet, oldest first
  bool retry_scheduled = false;
  std::string last_error;  ///< why the newest failed write failed (for held grades)
  /// Grades not on disk yet (the disk refused them), by a number of their own: shown to the
  /// admin API and the teacher view as "held" until stored.
  std::map<std::uint64_t, store::grade> held;
  std::uint64_t next_held = 0;
  /// Launches that came since the last batch was written: written together when the store
  /// reaches its own note (atoms::st_launch without arguments), sent behind the first of them.
  std::vector<launch_waiting> launches;
};

/// What the store holds at start, read before any actor runs.
struct opened_store {
  std::shared_ptr<store::database> db;
  std::string key;  ///< protects codes and page tokens (store::store_key)
  std::vector<store::student> students;
  std::vector<store::grade> pending_grades;
  std::vector<store::web_session_row> web_sessions;
  std::vector<std::string> lti13_platforms;  ///< lti13::encode_platform's JSON
};

/// Opens the store, adds the config's whitelist as its seed and reads what
/// the actors start from. Throws store::open_error (exit code 8).
opened_store open_store(const std::string& path, const std::string& key_file,
                        const std::vector<std::pair<std::string, std::string>>& seed);

/// Spawned detached (blocking I/O). Answers requests once the write is on
/// disk, or with ec::not_stored; keeps other writes in order and retries
/// them until they are stored, logging each failure.
store_actor::behavior_type store_keeper(store_actor::stateful_pointer<store_state> self,
                                        store_config cfg);

} // namespace otrbot
