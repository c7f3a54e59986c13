#include "actors/store/store_db.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace otrbot::store;

namespace {

/// A fresh directory per test, removed afterwards.
struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/otrbot-store-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

grade a_grade(const std::string& sourcedid) {
  grade g;
  g.jid = "alice@x.org";
  g.target = otrbot::lti::lti11_outcome{"https://lms.example/outcomes", sourcedid, "key"};
  return g;
}

} // namespace

TEST_CASE("the store keeps the whitelist, progress and completions across a reopen") {
  temp_dir dir;
  auto path = dir.file("otrbot.db");
  {
    auto db = database::open(path);
    db.seed({{"alice@x.org", "en_GB"}, {"bob@x.org", "de_DE"}}, 100);
    db.put_whitelist("carol@x.org", "nl_NL", whitelist_source::pages, "LMS user 7", 101);
    db.put_step("alice@x.org", "secret_known", true, 102);
    db.put_code_mac("alice@x.org", "ab12", 103);
    db.put_outcome("alice@x.org", otrbot::lti::lti11_outcome{"https://lms/o", "sid", "key"}, 104);
    db.record_completion("bob@x.org", "the code on the page", 105);
  }
  auto db = database::open(path);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // private to the bot
  auto all = db.students();
  REQUIRE(all.size() == 3);
  CHECK(all[0].jid == "alice@x.org");
  CHECK(all[0].source == whitelist_source::config);
  CHECK(all[0].step == "secret_known");
  CHECK(all[0].had_secret);
  CHECK(all[0].code_mac == "ab12");
  REQUIRE(all[0].graded);
  CHECK(*all[0].graded == otrbot::lti::grade_target{otrbot::lti::lti11_outcome{"https://lms/o", "sid", "key"}});
  CHECK_FALSE(all[1].graded);
  CHECK(all[1].completed);
  CHECK(all[1].step == "completed");
  CHECK(all[2].locale == "nl_NL");
  CHECK(all[2].added_by == "LMS user 7");
  CHECK(database::schema_version() == 4);
}

TEST_CASE("LTI 1.3 platforms are kept by (issuer, client_id), the latest write winning") {
  temp_dir dir;
  {
    auto db = database::open(dir.file("otrbot.db"));
    db.put_lti13_platform("https://lms", "c1", R"({"a":1})");
    db.put_lti13_platform("https://lms", "c2", R"({"b":1})");
    db.put_lti13_platform("https://lms", "c1", R"({"a":2})");
  }
  auto db = database::open(dir.file("otrbot.db"));
  CHECK(db.lti13_platforms() == std::vector<std::string>{R"({"a":2})", R"({"b":1})"});
}

TEST_CASE("the config's whitelist is a seed: run-time changes win, removals stay") {
  temp_dir dir;
  auto db = database::open(dir.file("otrbot.db"));
  db.seed({{"alice@x.org", "en_GB"}, {"bob@x.org", "en_GB"}}, 1);
  db.put_whitelist("alice@x.org", "de_DE", whitelist_source::admin, "admin API", 2);
  db.remove_whitelist("bob@x.org", 3);
  db.seed({{"alice@x.org", "en_GB"}, {"bob@x.org", "en_GB"}}, 4);  // the next start
  auto all = db.students();
  REQUIRE(all.size() == 2);
  CHECK(all[0].locale == "de_DE");
  CHECK_FALSE(all[0].removed);
  CHECK(all[1].removed);
  // Whitelisted again after a removal: a new start.
  db.put_step("alice@x.org", "verified", true, 5);
  db.put_code_mac("alice@x.org", "ff", 5);
  db.remove_whitelist("alice@x.org", 6);
  db.put_whitelist("alice@x.org", "en_GB", whitelist_source::pages, "LMS user 1", 7);
  auto again = db.students()[0];
  CHECK_FALSE(again.removed);
  CHECK(again.step.empty());
  CHECK(again.code_mac.empty());
  CHECK(again.source == whitelist_source::pages);
}

TEST_CASE("a nonce is new once within its window, and forgotten after it") {
  temp_dir dir;
  auto db = database::open(dir.file("otrbot.db"));
  CHECK(db.nonce_first_use("key", "n1", 1000, 600));
  CHECK_FALSE(db.nonce_first_use("key", "n1", 1500, 600));
  CHECK(db.nonce_first_use("other-key", "n1", 1500, 600));
  CHECK(db.nonce_first_use("key", "n1", 1601, 600));  // older than the window: gone
  // Between the sweeps (at most one a minute) an old row counts as gone too.
  CHECK(db.nonce_first_use("key", "n3", 2000, 10));
  CHECK(db.nonce_first_use("key", "n3", 2015, 10));
  CHECK_FALSE(db.nonce_first_use("key", "n3", 2016, 10));
  // Its commit did not wait for the disk; every other write still does (FULL).
  CHECK(db.synchronous() == 2);
}

TEST_CASE("a launch keeps its nonce and its visit together, or neither, across a reopen") {
  temp_dir dir;
  {
    auto db = database::open(dir.file("otrbot.db"));
    CHECK(db.record_launch("key", "n1", 1000, 600, {"visit-1", 5000, "{\"v\":1}"}));
    // The same nonce again: refused, and its visit is not kept.
    CHECK_FALSE(db.record_launch("key", "n1", 1001, 600, {"visit-2", 5000, "{}"}));
    CHECK_FALSE(db.nonce_first_use("key", "n1", 1002, 600));
    CHECK(db.record_launch("other-key", "n1", 1003, 600, {"visit-3", 5000, "{}"}));
    // Its commits did not wait for the disk (a connection of their own); every other write does.
    CHECK(db.synchronous() == 2);
    CHECK(db.relaxed_synchronous() == 1);
    // A refused launch left no transaction open: the next writes are their own.
    db.put_web_session({"visit-4", 5000, "{}"}, 1004);
    db.put_step("alice@x.org", "verified", true, 1004);
    // Nothing of the launches' connection holds the WAL: a checkpoint empties it.
    REQUIRE(std::filesystem::file_size(dir.file("otrbot.db-wal")) > 0);
    auto c = db.checkpoint();
    CHECK_FALSE(c.busy);
    CHECK(std::filesystem::file_size(dir.file("otrbot.db-wal")) == 0);
  }
  auto db = database::open(dir.file("otrbot.db"));
  auto kept = db.web_sessions(1005);
  std::vector<std::string> ids;
  for (const auto& r : kept)
    ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"visit-1", "visit-3", "visit-4"});
  CHECK(kept[0].data == (kept[0].id == "visit-1" ? "{\"v\":1}" : "{}"));
  CHECK_FALSE(db.record_launch("key", "n1", 1006, 600, {"visit-5", 5000, "{}"}));
}

TEST_CASE("launches that came together are written in one transaction, each judged as alone") {
  temp_dir dir;
  {
    auto db = database::open(dir.file("otrbot.db"));
    REQUIRE(db.record_launch("key", "old", 1000, 600, {"visit-0", 5000, "{}"}));
    auto fresh = db.record_launches({{"key", "n1", 1001, {"visit-1", 5000, "{\"v\":1}"}},
                                     {"key", "old", 1001, {"visit-2", 5000, "{}"}},   // seen before
                                     {"key", "n1", 1001, {"visit-3", 5000, "{}"}},    // twice here
                                     {"other", "n1", 1001, {"visit-4", 5000, "{}"}}},
                                    600);
    CHECK(fresh == std::vector<bool>{true, false, false, true});
    CHECK(db.record_launches({}, 600).empty());
    CHECK_FALSE(db.nonce_first_use("other", "n1", 1002, 600));
  }
  auto db = database::open(dir.file("otrbot.db"));
  std::vector<std::string> ids;
  for (const auto& r : db.web_sessions(1005))
    ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  // Only the new nonces' visits, across a reopen.
  CHECK(ids == std::vector<std::string>{"visit-0", "visit-1", "visit-4"});
}

TEST_CASE("a registration invite is used once, across a reopen, and released when nothing came of it") {
  temp_dir dir;
  {
    auto db = database::open(dir.file("otrbot.db"));
    CHECK(db.take_invite("i-1", 5000, 1000));
    CHECK_FALSE(db.take_invite("i-1", 5000, 1001));
    CHECK(db.take_invite("i-2", 5000, 1001));
    db.release_invite("i-2");
    CHECK(db.take_invite("i-2", 5000, 1002));
  }
  auto db = database::open(dir.file("otrbot.db"));
  CHECK_FALSE(db.take_invite("i-1", 5000, 1003));
}

TEST_CASE("the grade outbox: one grade per launch, attempts recorded, states listed") {
  temp_dir dir;
  auto db = database::open(dir.file("otrbot.db"));
  auto id = db.enqueue_grade(a_grade("sid-1"), 50);
  REQUIRE(id);
  CHECK_FALSE(db.enqueue_grade(a_grade("sid-1"), 60));  // a second completion
  auto other = db.enqueue_grade(a_grade("sid-2"), 70);
  REQUIRE(other);
  auto g = *db.grade_by_id(*id);
  CHECK(g.state == grade_state::pending);
  CHECK(g.created_at == 50);
  g.attempts = 3;
  g.state = grade_state::failed;
  g.last_error = "the LMS answered HTTP 500";
  db.grade_attempted(g, 80);
  auto o = *db.grade_by_id(*other);
  o.attempts = 1;
  o.state = grade_state::done;
  db.grade_attempted(o, 90);
  auto listed = db.grades({grade_state::pending, grade_state::failed});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == *id);
  CHECK(listed[0].attempts == 3);
  CHECK(listed[0].last_error == "the LMS answered HTTP 500");
  CHECK(db.grade_by_id(*other)->done_at == 90);
  CHECK_FALSE(db.grade_by_id(999));
}

TEST_CASE("web sessions are kept until they expire") {
  temp_dir dir;
  auto db = database::open(dir.file("otrbot.db"));
  db.put_web_session({"a", 100, "{}"}, 50);
  db.put_web_session({"b", 300, "{\"v\":1}"}, 50);
  db.put_web_session({"b", 400, "{\"v\":1}"}, 50);  // updated, not doubled
  CHECK(db.synchronous() == 2);  // relaxed for these writes only
  auto open = db.web_sessions(200);
  REQUIRE(open.size() == 1);
  CHECK(open[0].id == "b");
  CHECK(open[0].expires == 400);
  db.remove_expired_web_sessions(200);
  CHECK(db.web_sessions(0).size() == 1);
  db.put_web_session({"c", 1000, "{}"}, 600);  // the first sweep: "b" has expired
  CHECK(db.web_sessions(0).size() == 1);
  db.put_web_session({"d", 605, "{}"}, 601);
  db.put_web_session({"e", 2000, "{}"}, 610);  // within a minute of the sweep: none
  CHECK(db.web_sessions(0).size() == 3);
  db.put_web_session({"f", 2000, "{}"}, 700);  // a minute later: "d" goes
  auto left = db.web_sessions(0);
  CHECK(left.size() == 3);
  CHECK(std::none_of(left.begin(), left.end(), [](const auto& r) { return r.id == "d"; }));
}

TEST_CASE("a file that is not a sound database is refused and left untouched") {
  temp_dir dir;
  auto path = dir.file("otrbot.db");
  {
    std::ofstream out(path, std::ios::binary);
    out << "SQLite format 3" << '\0' << std::string(4096, 'x');
  }
  auto before = read_all(path);
  CHECK_THROWS_AS(database::open(path), open_error);
  CHECK(read_all(path) == before);
  CHECK_FALSE(fs::exists(path + "-wal"));
}

TEST_CASE("a store made by a newer otrbot, or held by another, or in a missing directory is refused") {
  temp_dir dir;
  auto path = dir.file("otrbot.db");
  {
    auto db = database::open(path);
  }
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  }
  CHECK_THROWS_WITH(database::open(path), Catch::Contains("newer than this otrbot knows"));

  auto second = dir.file("second.db");
  auto held = database::open(second);
  CHECK_THROWS_WITH(database::open(second), Catch::Contains("in use by another otrbot"));

  CHECK_THROWS_WITH(database::open(dir.file("nowhere/otrbot.db")), Catch::Contains("does not exist"));
}

TEST_CASE("the store key: 32 random bytes, private to the bot, the same after a restart") {
  temp_dir dir;
  auto path = dir.file("otrbot.db.key");
  auto key = store_key(path);
  CHECK(key.size() == 32);
  CHECK(store_key(path) == key);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(store_key(dir.file("other.key")) != key);
  std::ofstream(dir.file("short.key")) << "too short";
  CHECK_THROWS_AS(store_key(dir.file("short.key")), open_error);
}

TEST_CASE("a code's HMAC is the same however the student types the code, and keyed") {
  std::string key(32, 'k');
  auto mac = code_mac(key, "PL2F-A3ZR");
  CHECK(mac.size() == 64);
  CHECK(code_mac(key, " pl2f a3zr ") == mac);
  CHECK(code_mac(key, "PL2F-A3ZS") != mac);
  CHECK(code_mac(std::string(32, 'j'), "PL2F-A3ZR") != mac);
  CHECK(code_mac(key, "not a code!") != code_mac(key, "PL2F-A3ZR"));
  CHECK(derive_key(key, "codes") != derive_key(key, "web tokens"));
}

TEST_CASE("a database and key restored readable by others are made private, and said so") {
  temp_dir d;
  auto db = d.file("otrbot.db"), key = d.file("otrbot.db.key"), wal = d.file("otrbot.db-wal");
  { database::open(db); }
  (void)store_key(key);
  for (const auto& p : {db, key})
    ::chmod(p.c_str(), 0644);  // as a restore under umask 022 leaves them
  auto said = make_private({db, wal, key, d.file("absent")});
  REQUIRE(said.size() == 2);
  CHECK(said[0].find("mode 0644") != std::string::npos);
  for (const auto& p : {db, key}) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(make_private({db, key}).empty());  // nothing to say the second time
}
