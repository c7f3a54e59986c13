// The store's rows: whitelist and progress, completions, the grade outbox, LTI 1.3 platforms
// and invites (a launch's rows: store_launches.cpp).
#include "actors/store/store_db.hpp"

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>

namespace otrbot::store {
namespace {

student read_student(SQLite::Statement& q) {
  student s;
  s.jid = q.getColumn(0).getString();
  s.locale = q.getColumn(1).getString();
  s.source = whitelist_source_of(q.getColumn(2).getString()).value_or(whitelist_source::config);
  s.added_by = q.getColumn(3).getString();
  s.added_at = q.getColumn(4).getInt64();
  s.removed = q.getColumn(5).getInt() != 0;
  s.step = q.getColumn(6).getString();
  s.had_secret = q.getColumn(7).getInt() != 0;
  s.code_mac = q.getColumn(8).getString();
  s.completed = q.getColumn(9).getInt() != 0;
  lti::grade_columns graded{q.getColumn(10).getString(), q.getColumn(11).getString(),
                            q.getColumn(12).getString()};
  if (!graded.url.empty() && !graded.sourcedid.empty())
    s.graded = lti::target_of(graded);
  s.lesson = q.getColumn(13).getString();
  return s;
}

constexpr const char* grade_fields =
  "id, jid, outcome_url, sourcedid, consumer_key, score, state, attempts, created_at, "
  "next_attempt_at, done_at, last_error";

grade read_grade(SQLite::Statement& q) {
  grade g;
  g.id = q.getColumn(0).getInt64();
  g.jid = q.getColumn(1).getString();
  g.target = lti::target_of(
    {q.getColumn(2).getString(), q.getColumn(3).getString(), q.getColumn(4).getString()});
  g.score = q.getColumn(5).getDouble();
  // A state this version does not know is shown as given up on: an admin sees it and may retry.
  g.state = grade_state_of(q.getColumn(6).getString()).value_or(grade_state::failed);
  g.attempts = q.getColumn(7).getInt();
  g.created_at = q.getColumn(8).getInt64();
  g.next_attempt_at = q.getColumn(9).getInt64();
  g.done_at = q.getColumn(10).getInt64();
  g.last_error = q.getColumn(11).getString();
  return g;
}

} // namespace

std::vector<student> database::students() const {
  SQLite::Statement q(*db_,
                      "SELECT jid, locale, source, added_by, added_at, removed, step, had_secret, "
                      "code_mac, completed, outcome_url, sourcedid, consumer_key, lesson FROM students "
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
                             whitelist_source source, const std::string& added_by,
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
  q.bind(3, std::string{name(source)});
  q.bind(4, added_by);
  q.bind(5, now);
  q.exec();
}

void database::remove_whitelist(const std::string& jid, std::int64_t now) {
  SQLite::Transaction t(*db_);
  SQLite::Statement q(*db_, "UPDATE students SET removed = 1, updated_at = ? WHERE jid = ?");
  q.bind(1, now);
  q.bind(2, jid);
  q.exec();
  SQLite::Statement sessions(*db_, "DELETE FROM omemo_peers WHERE jid = ?");
  sessions.bind(1, jid);
  sessions.exec();
  t.commit();
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

void database::put_outcome(const std::string& jid, const lti::grade_target& target,
                           std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE students SET outcome_url = ?, sourcedid = ?, consumer_key = ?, "
                            "updated_at = ? WHERE jid = ?");
  auto c = lti::columns_of(target);
  q.bind(1, c.url);
  q.bind(2, c.sourcedid);
  q.bind(3, c.consumer_key);
  q.bind(4, now);
  q.bind(5, jid);
  q.exec();
}

void database::record_completion(const std::string& jid, const std::string& how,
                                 std::int64_t now) {
  SQLite::Transaction t(*db_);
  // Once: a completion retried after the disk refused it, or typed again, is not a second one.
  SQLite::Statement c(*db_, "INSERT INTO completions (jid, at, how) SELECT ?, ?, ? WHERE NOT EXISTS "
                            "(SELECT 1 FROM students WHERE jid = ? AND completed = 1)");
  c.bind(1, jid);
  c.bind(2, now);
  c.bind(3, how);
  c.bind(4, jid);
  c.exec();
  SQLite::Statement s(*db_, "UPDATE students SET completed = 1, step = 'completed', updated_at = ? "
                            "WHERE jid = ?");
  s.bind(1, now);
  s.bind(2, jid);
  s.exec();
  t.commit();
}

int database::enqueue_missing_grades(std::int64_t now) {
  // The grades table's UNIQUE (consumer_key, outcome_url, sourcedid) keeps a launch's grade one.
  SQLite::Statement q(*db_, "INSERT OR IGNORE INTO grades (jid, outcome_url, sourcedid, "
                            "consumer_key, score, state, created_at, next_attempt_at) "
                            "SELECT jid, outcome_url, sourcedid, consumer_key, 1.0, 'pending', ?, ? "
                            "FROM students WHERE completed = 1 AND removed = 0 AND outcome_url <> ''");
  q.bind(1, now);
  q.bind(2, now);
  return q.exec();
}

bool database::take_invite(const std::string& id, std::int64_t expires, std::int64_t now) {
  SQLite::Transaction t(*db_);
  SQLite::Statement old(*db_, "DELETE FROM lti13_invites_used WHERE expires < ?");
  old.bind(1, now);
  old.exec();
  SQLite::Statement q(*db_, "INSERT OR IGNORE INTO lti13_invites_used (id, expires, used_at) "
                            "VALUES (?, ?, ?)");
  q.bind(1, id);
  q.bind(2, expires);
  q.bind(3, now);
  bool fresh = q.exec() == 1;
  t.commit();
  return fresh;
}

void database::release_invite(const std::string& id) {
  SQLite::Statement q(*db_, "DELETE FROM lti13_invites_used WHERE id = ?");
  q.bind(1, id);
  q.exec();
}

std::optional<std::int64_t> database::enqueue_grade(const grade& g, std::int64_t now) {
  SQLite::Statement q(*db_,
                      "INSERT OR IGNORE INTO grades (jid, outcome_url, sourcedid, consumer_key, "
                      "score, state, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)");
  auto c = lti::columns_of(g.target);
  q.bind(1, g.jid);
  q.bind(2, c.url);
  q.bind(3, c.sourcedid);
  q.bind(4, c.consumer_key);
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
  q.bind(1, std::string{name(g.state)});
  q.bind(2, g.attempts);
  q.bind(3, g.next_attempt_at);
  q.bind(4, g.last_error);
  q.bind(5, g.state == grade_state::done ? now : std::int64_t{0});
  q.bind(6, g.created_at);
  q.bind(7, g.id);
  q.exec();
}

std::vector<grade> database::grades(const std::vector<grade_state>& states) const {
  std::vector<grade> out;
  for (const auto& state : states) {
    SQLite::Statement q(*db_, std::string{"SELECT "} + grade_fields +
                                " FROM grades WHERE state = ? ORDER BY id");
    q.bind(1, std::string{name(state)});
    while (q.executeStep())
      out.push_back(read_grade(q));
  }
  return out;
}

std::int64_t database::grade_count(grade_state state) const {
  SQLite::Statement q(*db_, "SELECT count(*) FROM grades WHERE state = ?");
  q.bind(1, std::string{name(state)});
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::optional<grade> database::grade_by_id(std::int64_t id) const {
  SQLite::Statement q(*db_, std::string{"SELECT "} + grade_fields + " FROM grades WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep())
    return std::nullopt;
  return read_grade(q);
}

std::vector<std::string> database::lti13_platforms() const {
  SQLite::Statement q(*db_, "SELECT data FROM lti13_platforms ORDER BY issuer, client_id");
  std::vector<std::string> out;
  while (q.executeStep())
    out.push_back(q.getColumn(0).getString());
  return out;
}

void database::put_lti13_platform(const std::string& issuer, const std::string& client_id,
                                  const std::string& data) {
  SQLite::Statement q(*db_, "INSERT OR REPLACE INTO lti13_platforms (issuer, client_id, data) "
                            "VALUES (?, ?, ?)");
  q.bind(1, issuer);
  q.bind(2, client_id);
  q.bind(3, data);
  q.exec();
}

} // namespace otrbot::store
