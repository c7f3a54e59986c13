// The store's OMEMO rows: the bot's devices and the students' sessions (store_db.hpp).
#include "actors/store/store_db.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace otrbot::store {

std::map<std::string, std::string> database::omemo_devices() const {
  std::map<std::string, std::string> out;
  SQLite::Statement q(*db_, "SELECT role, data FROM omemo_devices");
  while (q.executeStep())
    out[q.getColumn(0).getString()] = q.getColumn(1).getString();
  return out;
}

void database::put_omemo_device(const std::string& role, const std::string& data) {
  SQLite::Statement q(*db_, "INSERT OR REPLACE INTO omemo_devices (role, data) VALUES (?, ?)");
  q.bind(1, role);
  q.bind(2, data);
  q.exec();
}

std::map<std::string, std::string> database::omemo_peers() const {
  std::map<std::string, std::string> out;
  SQLite::Statement q(*db_, "SELECT jid, data FROM omemo_peers");
  while (q.executeStep())
    out[q.getColumn(0).getString()] = q.getColumn(1).getString();
  return out;
}

void database::put_omemo_peer(const std::string& jid, const std::string& data, std::int64_t now) {
  // Only for a student still whitelisted: a removal forgot the sessions, and stays so.
  SQLite::Statement q(*db_, "INSERT OR REPLACE INTO omemo_peers (jid, data, updated_at) "
                            "SELECT ?, ?, ? WHERE EXISTS "
                            "(SELECT 1 FROM students WHERE jid = ? AND removed = 0)");
  q.bind(1, jid);
  q.bind(2, data);
  q.bind(3, now);
  q.bind(4, jid);
  q.exec();
}

void database::put_lesson(const std::string& jid, const std::string& lesson, std::int64_t now) {
  SQLite::Statement q(*db_, "UPDATE students SET lesson = ?, updated_at = ? WHERE jid = ? AND removed = 0");
  q.bind(1, lesson);
  q.bind(2, now);
  q.bind(3, jid);
  q.exec();
}

} // namespace otrbot::store
