// The store's SQLite database (SQLiteCpp over libsqlite3).
#include "actors/store/store_db.hpp"
#include "transport/base/hex.hpp"

#include "transport/base/secrets.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <cstdio>
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
const std::array<const char*, 4> migrations{
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
CREATE INDEX nonces_seen_at ON nonces (seen_at);
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
CREATE INDEX web_sessions_expires ON web_sessions (expires);
)sql",
  // 2: LTI 1.3 platforms registered at run time, and the deployments seen (lti13::encode_platform).
  R"sql(
CREATE TABLE lti13_platforms (
  issuer    TEXT NOT NULL,
  client_id TEXT NOT NULL,
  data      TEXT NOT NULL,
  PRIMARY KEY (issuer, client_id)
) WITHOUT ROWID;
)sql",
  // 3: registration invites used (lti13::invite): each once, remembered until it expires.
  R"sql(
CREATE TABLE lti13_invites_used (
  id      TEXT PRIMARY KEY,
  expires INTEGER NOT NULL,
  used_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
  // 4: OMEMO: the bot's two devices (the real one and the decoy), each student's sessions with
  // the bot (actors/store/omemo_records.hpp), and the lesson a course chose for a student.
  R"sql(
CREATE TABLE omemo_devices (
  role TEXT PRIMARY KEY CHECK (role IN ('real', 'decoy')),
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE omemo_peers (
  jid        TEXT PRIMARY KEY,
  data       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE students ADD COLUMN lesson TEXT NOT NULL DEFAULT '';
)sql",
};

std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return to_hex(mac, len);
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

database::database(std::unique_ptr<SQLite::Database> db, std::unique_ptr<SQLite::Database> relaxed,
                   int lock_fd, int busy_timeout_ms)
    : db_(std::move(db)), relaxed_(std::move(relaxed)), lock_fd_(lock_fd),
      busy_timeout_ms_(busy_timeout_ms) {}
database::database(database&& o) noexcept
  : db_(std::move(o.db_)), relaxed_(std::move(o.relaxed_)), lock_fd_(o.lock_fd_),
    busy_timeout_ms_(o.busy_timeout_ms_),
    last_sweep_(o.last_sweep_), last_nonce_sweep_(o.last_nonce_sweep_),
    prepared_(std::move(o.prepared_)) {
  o.lock_fd_ = -1;
}
database& database::operator=(database&& o) noexcept {
  std::swap(db_, o.db_);
  std::swap(relaxed_, o.relaxed_);
  std::swap(lock_fd_, o.lock_fd_);
  std::swap(busy_timeout_ms_, o.busy_timeout_ms_);
  std::swap(last_sweep_, o.last_sweep_);
  std::swap(last_nonce_sweep_, o.last_nonce_sweep_);
  std::swap(prepared_, o.prepared_);
  return *this;
}
database::~database() {
  prepared_.clear();  // before the connection they belong to
  relaxed_.reset();
  db_.reset();
  if (lock_fd_ >= 0)
    ::close(lock_fd_);  // also releases the lock
}

database::checkpoint_result database::checkpoint() {
  auto* h = db_->getHandle();
  int frames = 0, done = 0;
  // No busy wait: a reader (sqlite3's .backup) makes it busy, and the next one goes on.
  sqlite3_busy_timeout(h, 0);
  int rc = sqlite3_wal_checkpoint_v2(h, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &frames, &done);
  sqlite3_busy_timeout(h, busy_timeout_ms_);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return {true, frames, done};
  if (rc != SQLITE_OK)
    throw SQLite::Exception(h, rc);
  return {false, frames, done};
}

int database::schema_version() { return static_cast<int>(migrations.size()); }

database database::open(const std::string& path, int busy_timeout_ms) {
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
  std::unique_ptr<SQLite::Database> db, relaxed;
  try {
    bool existed = fs::exists(path, ec);
    if (!existed) {
      // Private to the bot: students' JIDs and open pages' tokens are in it
      // (SQLite gives its -wal and -shm files the same permissions).
      int made = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (made < 0)
        throw open_error("store " + path + " cannot be created (" + std::strerror(errno) +
                         "): check the directory's permissions and free space");
      ::close(made);
    }
    db = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, busy_timeout_ms);
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
    relaxed = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX, busy_timeout_ms);
    relaxed->exec("PRAGMA synchronous = NORMAL");
  } catch (const open_error&) {
    relaxed.reset();
    db.reset();
    ::close(fd);
    throw;
  } catch (const SQLite::Exception& e) {
    relaxed.reset();
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
  return database(std::move(db), std::move(relaxed), fd, busy_timeout_ms);
}

std::vector<std::string> make_private(const std::vector<std::string>& paths) {
  std::vector<std::string> changed;
  for (const auto& p : paths) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0)
      continue;
    char was[8];
    std::snprintf(was, sizeof was, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    if (::chmod(p.c_str(), 0600) != 0)
      throw open_error("store file " + p + " is readable by others (mode " + was +
                       ") and cannot be made private (" + std::strerror(errno) + "): chmod 600 it");
    changed.push_back("store file " + p + " was readable by others (mode " + std::string{was} +
                      "): made 0600, as the bot makes its files");
  }
  return changed;
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
