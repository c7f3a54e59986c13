// The store's rows of a launch: its nonce and its web session, written with statements prepared
// once, on the connection whose commits do not wait for the disk (database::relaxed_).
#include "actors/store/store_db.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace otrbot::store {
namespace {

/// BEGIN ... COMMIT as prepared statements (SQLite::Transaction parses both at every use: a
/// fifth of a launch's store write); rolled back unless committed, never a throw from there.
class prepared_transaction {
public:
  prepared_transaction(SQLite::Statement& begin, SQLite::Statement& commit,
                       SQLite::Statement& rollback)
    : commit_(commit), rollback_(rollback) {
    begin.exec();
  }
  void commit() {
    commit_.exec();
    done_ = true;
  }
  ~prepared_transaction() {
    if (done_)
      return;
    rollback_.tryReset();
    rollback_.tryExecuteStep();  // (an error: SQLite ended the transaction itself)
    rollback_.tryReset();
  }
  prepared_transaction(const prepared_transaction&) = delete;
  prepared_transaction& operator=(const prepared_transaction&) = delete;

private:
  SQLite::Statement& commit_;
  SQLite::Statement& rollback_;
  bool done_ = false;
};

constexpr const char* begin_sql = "BEGIN";
constexpr const char* commit_sql = "COMMIT";
constexpr const char* rollback_sql = "ROLLBACK";

} // namespace

SQLite::Statement& database::prepared(const char* sql) {
  auto& slot = prepared_[sql];
  if (!slot)
    slot = std::make_unique<SQLite::Statement>(*relaxed_, sql);
  slot->reset();  // (a statement that failed last time is reset here, not reported again)
  slot->clearBindings();
  return *slot;
}

int database::synchronous() const { return db_->execAndGet("PRAGMA synchronous").getInt(); }
int database::relaxed_synchronous() const {
  return relaxed_->execAndGet("PRAGMA synchronous").getInt();
}

bool database::take_nonce(const std::string& consumer, const std::string& nonce, std::int64_t now,
                          std::int64_t window) {
  if (now - last_nonce_sweep_ >= 60 || now < last_nonce_sweep_) {
    // Old nonces go at most once a minute; until then the query below treats them as gone.
    SQLite::Statement old(*relaxed_, "DELETE FROM nonces WHERE seen_at < ?");
    old.bind(1, now - window);
    old.exec();
    last_nonce_sweep_ = now;
  }
  auto& q = prepared("INSERT INTO nonces (consumer, nonce, seen_at) VALUES (?, ?, ?) "
                     "ON CONFLICT (consumer, nonce) DO UPDATE SET seen_at = excluded.seen_at "
                     "WHERE nonces.seen_at < ?");
  q.bind(1, consumer);
  q.bind(2, nonce);
  q.bind(3, now);
  q.bind(4, now - window);
  return q.exec() == 1;
}

void database::keep_web_session(const web_session_row& row, std::int64_t now) {
  auto& q = prepared("INSERT OR REPLACE INTO web_sessions (id, expires, data) VALUES (?, ?, ?)");
  q.bind(1, row.id);
  q.bind(2, row.expires);
  q.bind(3, row.data);
  q.exec();
  if (now - last_sweep_ >= 60) {  // expired sessions go at most once a minute
    remove_expired_web_sessions(now);
    last_sweep_ = now;
  }
}

bool database::nonce_first_use(const std::string& consumer, const std::string& nonce,
                               std::int64_t now, std::int64_t window) {
  prepared_transaction t(prepared(begin_sql), prepared(commit_sql), prepared(rollback_sql));
  bool fresh = take_nonce(consumer, nonce, now, window);
  t.commit();
  return fresh;
}

bool database::record_launch(const std::string& consumer, const std::string& nonce,
                             std::int64_t now, std::int64_t window, const web_session_row& visit) {
  return record_launches({{consumer, nonce, now, visit}}, window).front();
}

std::vector<bool> database::record_launches(const std::vector<launch_row>& launches,
                                           std::int64_t window) {
  std::vector<bool> fresh;
  fresh.reserve(launches.size());
  prepared_transaction t(prepared(begin_sql), prepared(commit_sql), prepared(rollback_sql));
  try {
    for (const auto& l : launches) {
      fresh.push_back(take_nonce(l.consumer, l.nonce, l.now, window));
      if (fresh.back())
        keep_web_session(l.visit, l.now);
    }
  } catch (...) {
    // A statement that failed keeps its read of the database until it is reset: reset before
    // the rollback, or the next launch's write finds the database locked by that old read.
    for (auto& [sql, statement] : prepared_)
      if (statement)
        statement->tryReset();
    throw;
  }
  t.commit();
  return fresh;
}

std::vector<web_session_row> database::web_sessions(std::int64_t now) const {
  SQLite::Statement q(*db_, "SELECT id, expires, data FROM web_sessions WHERE expires > ?");
  q.bind(1, now);
  std::vector<web_session_row> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
  return out;
}

void database::put_web_session(const web_session_row& row, std::int64_t now) {
  prepared_transaction t(prepared(begin_sql), prepared(commit_sql), prepared(rollback_sql));
  keep_web_session(row, now);
  t.commit();
}

void database::remove_expired_web_sessions(std::int64_t now) {
  SQLite::Statement q(*relaxed_, "DELETE FROM web_sessions WHERE expires <= ?");
  q.bind(1, now);
  q.exec();
}

} // namespace otrbot::store
