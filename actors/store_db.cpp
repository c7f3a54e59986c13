// The store's SQLite database (SQLiteCpp over libsqlite3).
#include "actors/store_db.hpp"

#include "actors/secrets.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace otrbot::store {
namespace {

/// The schema, one forward migration per version (user_version counts them).
/// Never edit a released step: add the next one.
const std::array<const char*, 1> migrations{
  // 1: the first schema.
  R"sql(
CREATE TABLE students (
  jid          TEXT PRIMARY KEY,
  locale       TEXT NOT NULL,
  source       TEXT NOT NULL,
  added_by     TEXT NOT NULL,
  added_at     INTEGER NOT NULL,
  removed      INTEGER NOT NULL DEFAULT 0,
  step         TEXT NOT NULL DEFAULT '',
  had_secret   INTEGER NOT NULL DEFAULT 0,
  code_mac     TEXT NOT NULL DEFAULT '',
  completed    INTEGER NOT NULL DEFAULT 0,
  outcome_url  TEXT NOT NULL DEFAULT '',
  sourcedid    TEXT NOT NULL DEFAULT '',
  consumer_key TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL
);
CREATE TABLE completions (
  id  INTEGER PRIMARY KEY,
  jid TEXT NOT NULL,
  at  INTEGER NOT NULL,
  how TEXT NOT NULL
);
CREATE TABLE nonces (
  consumer TEXT NOT NULL,
  nonce    TEXT NOT NULL,
  seen_at  INTEGER NOT NULL,
  PRIMARY KEY (consumer, nonce)
) WITHOUT ROWID;
CREATE TABLE grades (
  id              INTEGER PRIMARY KEY,
  jid             TEXT NOT NULL,
  outcome_url     TEXT NOT NULL,
  sourcedid       TEXT NOT NULL,
  consumer_key    TEXT NOT NULL,
  score           REAL NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  done_at         INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  UNIQUE (consumer_key, outcome_url, sourcedid)
);
CREATE TABLE web_sessions (
  id      TEXT PRIMARY KEY,
  expires INTEGER NOT NULL,
  data    TEXT NOT NULL
);
)sql",
};

student read_student(SQLite::Statement& q) {
  student s;
  s.jid = q.getColumn(0).getString();
  s.locale = q.getColumn(1).getString();
  s.source = q.getColumn(2).getString();
  s.added_by = q.getColumn(3).getString();
  s.added_at = q.getColumn(4).getInt64();
  s.removed = q.getColumn(5).getInt() != 0;
  s.step = q.getColumn(6).getString();
  s.had_secret = q.getColumn(7).getInt() != 0;
  s.code_mac = q.getColumn(8).getString();
  s.completed = q.getColumn(9).getInt() != 0;
  s.outcome_url = q.getColumn(10).getString();
  s.sourcedid = q.getColumn(11).getString();
  s.consumer_key = q.getColumn(12).getString();
  return s;
}

constexpr const char* grade_columns =
  "id, jid, outcome_url, sourcedid, consumer_key, score, state, attempts, created_at, "
  "next_attempt_at, done_at, last_error";

grade read_grade(SQLite::Statement& q) {
  grade g;
  g.id = q.getColumn(0).getInt64();
  g.jid = q.getColumn(1).getString();
  g.outcome_url = q.getColumn(2).getString();
  g.sourcedid = q.getColumn(3).getString();
  g.consumer_key = q.getColumn(4).getString();
  g.score = q.getColumn(5).getDouble();
  g.state = q.getColumn(6).getString();
  g.attempts = q.getColumn(7).getInt();
  g.created_at = q.getColumn(8).getInt64();
  g.next_attempt_at = q.getColumn(9).getInt64();
  g.done_at = q.getColumn(10).getInt64();
  g.last_error = q.getColumn(11).getString();
  return g;
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return hex(mac, len);
}

/// Runs the migrations from the file's version to ours, each in a transaction.
void migrate(SQLite::Database& db, const std::string& path) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  int ours = static_cast<int>(migrations.size());
  if (version > ours)
    throw open_error("store " + path + " has schema version " + std::to_string(version) +
                     ", newer than this otrbot knows (" + std::to_string(ours) +
                     "): run the newer otrbot, or restore a backup");
  for (int v = version; v < ours; ++v) {
    SQLite::Transaction t(db);
    db.exec(migrations[static_cast<std::size_t>(v)]);
    db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    t.commit();
  }
}

} // namespace

database::database(std::unique_ptr<SQLite::Database> db, int lock_fd)
    : db_(std::move(db)), lock_fd_(lock_fd) {}
database::database(database&& o) noexcept : db_(std::move(o.db_)), lock_fd_(o.lock_fd_) {
  o.lock_fd_ = -1;
}
database& database::operator=(database&& o) noexcept {
  std::swap(db_, o.db_);
  std::swap(lock_fd_, o.lock_fd_);
  return *this;
}
database::~database() {
  db_.reset();
  if (lock_fd_ >= 0)
    ::close(lock_fd_);  // also releases the lock
}

int database::schema_version() { return static_cast<int>(migrations.size()); }

database database::open(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto dir = fs::path(path).parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw open_error("store directory " + dir.string() +
                     " does not exist: create it (writable by the bot) or set store.path");
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))
    throw open_error("store " + path + " is not a regular file: set store.path to a file");
  // One bot per database: a second one would hand out the same grades twice.
  // The lock is on a file of its own, so SQLite's own locks (and a backup
  // taken with sqlite3 while the bot runs) are not disturbed.
  auto lock_path = path + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw open_error("store directory " + dir.string() + " is not writable (" +
                     std::strerror(errno) + "): make it writable by the bot");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw open_error("store " + path + " is in use by another otrbot (" + lock_path +
                     " is locked): stop the other one, or give this one its own store.path");
  }
  std::unique_ptr<SQLite::Database> db;
  try {
    bool existed = fs::exists(path, ec);
    db = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, 5000);
    if (existed) {
      // Read first, write nothing: a file that is not a sound database stays as it is.
      auto verdict = db->execAndGet("PRAGMA quick_check").getString();
      if (verdict != "ok")
        throw open_error("store " + path + " is damaged (" + verdict +
                         "): it was left untouched; restore a backup or move it away");
    }
    auto mode = db->execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal")
      throw open_error("store " + path + " cannot use WAL mode (got " + mode + ")");
    // FULL: a grade written is on disk before the LMS is asked, even across a power cut.
    db->exec("PRAGMA synchronous = FULL");
    db->exec("PRAGMA foreign_keys = ON");
    migrate(*db, path);
  } catch (const open_error&) {
    db.reset();
    ::close(fd);
    throw;
  } catch (const SQLite::Exception& e) {
    db.reset();
    ::close(fd);
    auto code = e.getErrorCode();
    std::string what = e.what();
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
      throw open_error("store " + path + " is not a readable otrbot database (" + what +
                       "): it was left untouched; restore a backup or move it away");
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw open_error("store " + path + " is locked by another program (" + what + ")");
    if (code == SQLITE_FULL)
      throw open_error("store " + path + ": the disk is full (" + what + ")");
    if (code == SQLITE_CANTOPEN || code == SQLITE_READONLY || code == SQLITE_PERM ||
        code == SQLITE_IOERR)
      throw open_error("store " + path + " cannot be written (" + what +
                       "): check the file's and its directory's permissions and free space");
    throw open_error("store " + path + ": " + what);
  }
  return database(std::move(db), fd);
}

std::vector<student> database::students() const {
  SQLite::Statement q(*db_,
                      "SELECT jid, locale, source, added_by, added_at, removed, step, had_secret, "
                      "code_mac, completed, outcome_url, sourcedid, consumer_key FROM students "
                      "ORDER BY jid");
  std::vector<student> out;
  while (q.executeStep())
    out.push_back(read_student(q));
  return out;
}

void database::seed(const std::vector<std::pair<std::string, std::string>>& jid_locale,
                    std::int64_t now) {
  SQLite::Transaction t(*db_);
  SQLite::Statement q(*db_,
                      "INSERT OR IGNORE INTO students (jid, locale, source, added_by, added_at, "
                      "updated_at) VALUES (?, ?, 'config', 'config', ?, ?)");
  for (const auto& [jid, locale] : jid_locale) {
    q.bind(1, jid);
    q.bind(2, locale);
    q.bind(3, now);
    q.bind(4, now);
    q.exec();
    q.reset();
  }
  t.commit();
}

void database::put_whitelist(const std::string& jid, const std::string& locale,
                             const std::string& source, const std::string& added_by,
                             std::int64_t now) {
  // Whitelisted again after a removal: a new start (progress and the old code are gone).
  SQLite::Statement q(*db_, R"sql(
INSERT INTO students (jid, locale, source, added_by, added_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
ON CONFLICT (jid) DO UPDATE SET
  locale = ?2, updated_at = ?5,
  source = CASE WHEN removed THEN ?3 ELSE source END,
  added_by = CASE WHEN removed THEN ?4 ELSE added_by END,
  added_at = CASE WHEN removed THEN ?5 ELSE added_at END,
  step = CASE WHEN removed THEN '' ELSE step END,
  had_secret = CASE WHEN removed THEN 0 ELSE had_secret END,
  code_mac = CASE WHEN removed THEN '' ELSE code_mac END,
  completed = CASE WHEN removed THEN 0 ELSE completed END,
  removed = 0
)sql");
  q.bind(1, jid);
  q.bind(2, locale);
  q.bind(3, source);
  q.bind(4, added_by);
  q.bind(5, now);
  q.exec();
}

void database::remove_whitelist(const std::string& jid, std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE students SET removed = 1, updated_at = ? WHERE jid = ?");
  q.bind(1, now);
  q.bind(2, jid);
  q.exec();
}

void database::put_step(const std::string& jid, const std::string& step, bool had_secret,
                        std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE students SET step = ?, had_secret = ?, updated_at = ? "
                            "WHERE jid = ? AND removed = 0");
  q.bind(1, step);
  q.bind(2, had_secret ? 1 : 0);
  q.bind(3, now);
  q.bind(4, jid);
  q.exec();
}

void database::put_code_mac(const std::string& jid, const std::string& mac, std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE students SET code_mac = ?, updated_at = ? WHERE jid = ?");
  q.bind(1, mac);
  q.bind(2, now);
  q.bind(3, jid);
  q.exec();
}

void database::put_outcome(const std::string& jid, const std::string& url,
                           const std::string& sourcedid, const std::string& consumer_key,
                           std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE students SET outcome_url = ?, sourcedid = ?, consumer_key = ?, "
                            "updated_at = ? WHERE jid = ?");
  q.bind(1, url);
  q.bind(2, sourcedid);
  q.bind(3, consumer_key);
  q.bind(4, now);
  q.bind(5, jid);
  q.exec();
}

void database::record_completion(const std::string& jid, const std::string& how,
                                 std::int64_t now) {
  SQLite::Transaction t(*db_);
  SQLite::Statement c(*db_, "INSERT INTO completions (jid, at, how) VALUES (?, ?, ?)");
  c.bind(1, jid);
  c.bind(2, now);
  c.bind(3, how);
  c.exec();
  SQLite::Statement s(*db_, "UPDATE students SET completed = 1, step = 'completed', updated_at = ? "
                            "WHERE jid = ?");
  s.bind(1, now);
  s.bind(2, jid);
  s.exec();
  t.commit();
}

bool database::nonce_first_use(const std::string& consumer, const std::string& nonce,
                               std::int64_t now, std::int64_t window) {
  SQLite::Transaction t(*db_);
  SQLite::Statement old(*db_, "DELETE FROM nonces WHERE seen_at < ?");
  old.bind(1, now - window);
  old.exec();
  SQLite::Statement q(*db_, "INSERT OR IGNORE INTO nonces (consumer, nonce, seen_at) VALUES (?, ?, ?)");
  q.bind(1, consumer);
  q.bind(2, nonce);
  q.bind(3, now);
  bool fresh = q.exec() == 1;
  t.commit();
  return fresh;
}

std::optional<std::int64_t> database::enqueue_grade(const grade& g, std::int64_t now) {
  SQLite::Statement q(*db_,
                      "INSERT OR IGNORE INTO grades (jid, outcome_url, sourcedid, consumer_key, "
                      "score, state, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)");
  q.bind(1, g.jid);
  q.bind(2, g.outcome_url);
  q.bind(3, g.sourcedid);
  q.bind(4, g.consumer_key);
  q.bind(5, g.score);
  q.bind(6, now);
  q.bind(7, now);
  if (q.exec() != 1)
    return std::nullopt;
  return db_->getLastInsertRowid();
}

void database::grade_attempted(const grade& g, std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE grades SET state = ?, attempts = ?, next_attempt_at = ?, "
                            "last_error = ?, done_at = ?, created_at = ? WHERE id = ?");
  q.bind(1, g.state);
  q.bind(2, g.attempts);
  q.bind(3, g.next_attempt_at);
  q.bind(4, g.last_error);
  q.bind(5, g.state == "done" ? now : std::int64_t{0});
  q.bind(6, g.created_at);
  q.bind(7, g.id);
  q.exec();
}

std::vector<grade> database::grades(const std::vector<std::string>& states) const {
  std::vector<grade> out;
  for (const auto& state : states) {
    SQLite::Statement q(*db_, std::string{"SELECT "} + grade_columns +
                                " FROM grades WHERE state = ? ORDER BY id");
    q.bind(1, state);
    while (q.executeStep())
      out.push_back(read_grade(q));
  }
  return out;
}

std::optional<grade> database::grade_by_id(std::int64_t id) const {
  SQLite::Statement q(*db_, std::string{"SELECT "} + grade_columns + " FROM grades WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep())
    return std::nullopt;
  return read_grade(q);
}

std::vector<web_session_row> database::web_sessions(std::int64_t now) const {
  SQLite::Statement q(*db_, "SELECT id, expires, data FROM web_sessions WHERE expires > ?");
  q.bind(1, now);
  std::vector<web_session_row> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getString()});
  return out;
}

void database::put_web_session(const web_session_row& row) {
  SQLite::Statement q(*db_, "INSERT OR REPLACE INTO web_sessions (id, expires, data) VALUES (?, ?, ?)");
  q.bind(1, row.id);
  q.bind(2, row.expires);
  q.bind(3, row.data);
  q.exec();
}

void database::remove_expired_web_sessions(std::int64_t now) {
  SQLite::Statement q(*db_, "DELETE FROM web_sessions WHERE expires <= ?");
  q.bind(1, now);
  q.exec();
}

std::string store_key(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!fs::is_regular_file(path, ec))
      throw open_error("store key " + path + " is not a regular file");
    std::ifstream in(path, std::ios::binary);
    std::string key(64, '\0');
    in.read(key.data(), static_cast<std::streamsize>(key.size()));
    key.resize(static_cast<std::size_t>(in.gcount()));
    if (key.size() != 32)
      throw open_error("store key " + path + " is not 32 bytes: restore it from the backup "
                       "(without it, codes sent before a restart cannot be checked)");
    return key;
  }
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32) != 1)
    throw open_error("no random bytes for the store key");
  auto tmp = path + ".new";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw open_error("store key " + path + " cannot be written (" + std::strerror(errno) + ")");
  bool ok = ::write(fd, key.data(), key.size()) == 32 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    throw open_error("store key " + path + " cannot be written (" + std::strerror(errno) + ")");
  return key;
}

std::string code_mac(const std::string& key, const std::string& code) {
  auto canonical = secrets::canonical_code(code);
  return hmac_hex(derive_key(key, "codes"), canonical ? *canonical : std::string{"\x01invalid"});
}

std::string derive_key(const std::string& key, const std::string& purpose) {
  return hmac_hex(key, "otrbot " + purpose);
}

} // namespace otrbot::store
