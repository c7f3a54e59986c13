// The store actor with deterministic scheduling: a write that fails (the database is locked by
// another connection) is logged, kept in order and retried; a request is never claimed done.
#define CAF_SUITE store
#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/store/store.hpp"

#include <caf/test/dsl.hpp>
#include <caf/test/unit_test_impl.hpp>

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

using namespace otrbot;

namespace {

struct fixture : test_coordinator_fixture<> {
  bool trigger_timeout() override { return false; }  // retries fire when the test says

  std::filesystem::path dir;
  std::shared_ptr<store::database> db;
  store_actor keeper;
  sqlite3* other = nullptr;  ///< another program holding the database's write lock

  fixture() {
    char tmpl[] = "/tmp/otrbot-store-actor-XXXXXX";
    dir = ::mkdtemp(tmpl);
    db = std::make_shared<store::database>(store::database::open(path(), 20));
    db->seed({{"alice@x.org", "en_GB"}}, 1);
    store_config sc{db, std::chrono::milliseconds{100}, 600};
    keeper = sys.spawn(store_keeper, sc);
  }

  ~fixture() override {
    unlock();
    self->send_exit(keeper, caf::exit_reason::kill);
    run();
    std::filesystem::remove_all(dir);
  }

  std::string path() const { return (dir / "otrbot.db").string(); }

  void lock() {
    CAF_REQUIRE_EQUAL(sqlite3_open(path().c_str(), &other), SQLITE_OK);
    CAF_REQUIRE_EQUAL(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  }

  void unlock() {
    if (!other)
      return;
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    other = nullptr;
  }

  std::string step_of(const std::string& jid) {
    for (const auto& s : db->students())
      if (s.jid == jid)
        return s.step;
    return "?";
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(store_tests, fixture)

CAF_TEST(a write that fails is kept in order and retried until it is stored) {
  lock();
  self->send(keeper, atoms::st_step_v, std::string{"alice@x.org"}, std::string{"encrypted"}, false);
  self->send(keeper, atoms::st_step_v, std::string{"alice@x.org"}, std::string{"secret_known"}, true);
  run();
  // A request meanwhile is refused, not claimed: the earlier writes come first.
  self->send(keeper, atoms::st_put_wl_v,
             store::whitelist_request{xmpp::parse_bare_jid("bob@x.org").bare(), "nl_NL", store::whitelist_source::admin, "admin API"});
  run();
  bool refused = false;
  self->receive([](bool) { CAF_FAIL("claimed while the store could not write"); },
                [&](caf::error& e) { refused = is(e, ec::not_stored); });
  CAF_CHECK(refused);
  sched.trigger_timeouts();  // a retry while still locked: still waiting
  run();
  unlock();
  sched.trigger_timeouts();
  run();
  CAF_CHECK_EQUAL(step_of("alice@x.org"), "secret_known");  // both, in their order
  CAF_CHECK(db->students()[0].had_secret);
  // Now the request goes through.
  self->send(keeper, atoms::st_put_wl_v,
             store::whitelist_request{xmpp::parse_bare_jid("bob@x.org").bare(), "nl_NL", store::whitelist_source::admin, "admin API"});
  run();
  expect((bool), from(keeper).to(self).with(true));
  CAF_CHECK_EQUAL(db->students().size(), 2u);
}

CAF_TEST(launches that come together share one write and each gets its own answer) {
  auto launch = [&](std::string nonce, std::string visit) {
    self->send<caf::message_priority::high>(keeper, atoms::st_launch_v, std::string{"key"},
                                            std::move(nonce), std::int64_t{1000},
                                            store::web_session_row{std::move(visit), 5000, "{}"});
  };
  launch("n1", "visit-1");
  launch("n2", "visit-2");
  launch("n1", "visit-3");  // the same nonce again, in the same batch
  run();
  std::vector<bool> answers;
  for (int i = 0; i < 3; ++i)
    self->receive([&](bool fresh) { answers.push_back(fresh); },
                  [&](caf::error& e) { CAF_FAIL("a launch failed: " << caf::to_string(e)); });
  CAF_CHECK_EQUAL(answers, (std::vector<bool>{true, true, false}));
  CAF_CHECK_EQUAL(db->web_sessions(1001).size(), 2u);
  // A disk that refuses the batch: every launch in it is refused, none is claimed, none kept.
  lock();
  launch("n4", "visit-4");
  launch("n5", "visit-5");
  run();
  int refused = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([](bool) { CAF_FAIL("a launch claimed while the store could not write"); },
                  [&](caf::error& e) { refused += is(e, ec::not_stored) ? 1 : 0; });
  CAF_CHECK_EQUAL(refused, 2);
  unlock();
  launch("n4", "visit-4");  // tried again: now kept
  run();
  expect((bool), from(keeper).to(self).with(true));
  CAF_CHECK_EQUAL(db->web_sessions(1001).size(), 3u);
}

CAF_TEST(a new grade is answered only once it is on disk) {
  lock();
  store::grade g;
  g.jid = "alice@x.org";
  g.target = lti::lti11_outcome{"https://lms.example/outcomes", "sid-1", "key"};
  g.created_at = 5;
  self->send(keeper, atoms::st_grade_v, g);
  run();
  self->receive([](std::int64_t) { CAF_FAIL("answered before the grade was stored"); },
                caf::after(std::chrono::seconds(0)) >> [] {});
  unlock();
  sched.trigger_timeouts();
  run();
  std::int64_t id = 0;
  self->receive([&](std::int64_t x) { id = x; });
  CAF_CHECK_EQUAL(id, 1);
  CAF_CHECK_EQUAL(db->grades({store::grade_state::pending}).size(), 1u);
  self->send(keeper, atoms::st_grade_v, g);  // the same launch again: no second grade
  run();
  expect((std::int64_t), from(keeper).to(self).with(0));
}

CAF_TEST(a grade the disk refuses is listed as held until it is stored) {
  lock();
  store::grade g;
  g.jid = "alice@x.org";
  g.target = lti::lti11_outcome{"https://lms.example/outcomes", "sid-held", "key"};
  g.created_at = 5;
  self->send(keeper, atoms::st_grade_v, g);
  run();
  self->send(keeper, atoms::st_grades_v);
  run();
  std::vector<store::grade> listed;
  self->receive([&](std::vector<store::grade>& v) { listed = std::move(v); },
                [](std::int64_t) { CAF_FAIL("answered before the grade was stored"); });
  CAF_REQUIRE_EQUAL(listed.size(), 1u);
  CAF_CHECK(listed[0].state == store::grade_state::held);
  CAF_CHECK_EQUAL(listed[0].id, 0);
  CAF_CHECK(!listed[0].last_error.empty());  // why: SQLite's own words ("database is locked")
  unlock();
  sched.trigger_timeouts();
  run();
  expect((std::int64_t), from(keeper).to(self).with(1));
  self->send(keeper, atoms::st_grades_v);
  run();
  self->receive([&](std::vector<store::grade>& v) { listed = std::move(v); });
  CAF_REQUIRE_EQUAL(listed.size(), 1u);
  CAF_CHECK(listed[0].state == store::grade_state::pending);  // in the outbox now
}

CAF_TEST(a completion is answered once on disk and recorded once) {
  lock();
  self->send(keeper, atoms::st_done_v, std::string{"alice@x.org"}, std::string{"the code"});
  run();
  bool refused = false;
  self->receive([](bool) { CAF_FAIL("claimed while the store could not write"); },
                [&](caf::error& e) { refused = is(e, ec::not_stored); });
  CAF_CHECK(refused);
  unlock();
  sched.trigger_timeouts();  // the kept write lands by itself, and the asker hears of it
  run();
  CAF_CHECK(db->students()[0].completed);
  std::string landed;
  self->receive([&](atoms::st_done, const std::string& jid) { landed = jid; });
  CAF_CHECK_EQUAL(landed, "alice@x.org");
  // The page asked again: answered at once, and still one completion.
  self->send(keeper, atoms::st_done_v, std::string{"alice@x.org"}, std::string{"the code"});
  run();
  expect((bool), from(keeper).to(self).with(true));
  sqlite3* reader = nullptr;
  CAF_REQUIRE_EQUAL(sqlite3_open(path().c_str(), &reader), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM completions", -1, &q, nullptr);
  CAF_REQUIRE_EQUAL(sqlite3_step(q), SQLITE_ROW);
  CAF_CHECK_EQUAL(sqlite3_column_int(q, 0), 1);
  sqlite3_finalize(q);
  sqlite3_close(reader);
}

CAF_TEST(a completion whose grade was lost gets its grade at the next start) {
  db->put_outcome("alice@x.org", lti::lti11_outcome{"https://lms.example/o", "sid-2", "key"}, 3);
  db->record_completion("alice@x.org", "the code", 4);
  CAF_CHECK_EQUAL(db->enqueue_missing_grades(9), 1);
  CAF_CHECK_EQUAL(db->enqueue_missing_grades(10), 0);  // one grade per launch
  auto pending = db->grades({store::grade_state::pending});
  CAF_REQUIRE_EQUAL(pending.size(), 1u);
  CAF_CHECK_EQUAL(pending[0].jid, "alice@x.org");
  CAF_CHECK_EQUAL(lti::url_of(pending[0].target), "https://lms.example/o");
}

CAF_TEST(a checkpoint empties the WAL and a reader only postpones it) {
  for (int i = 0; i < 50; ++i)
    db->put_step("alice@x.org", "step-" + std::to_string(i), false, i);
  auto wal = path() + "-wal";
  CAF_REQUIRE_GREATER(std::filesystem::file_size(wal), 0u);
  sqlite3* reader = nullptr;  // a backup in the middle of reading
  CAF_REQUIRE_EQUAL(sqlite3_open(path().c_str(), &reader), SQLITE_OK);
  sqlite3_exec(reader, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_exec(reader, "SELECT COUNT(*) FROM students", nullptr, nullptr, nullptr);
  CAF_CHECK(db->checkpoint().busy);
  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  auto r = db->checkpoint();
  CAF_CHECK(!r.busy);
  CAF_CHECK_EQUAL(std::filesystem::file_size(wal), 0u);
  CAF_CHECK_EQUAL(step_of("alice@x.org"), "step-49");
}

CAF_TEST_FIXTURE_SCOPE_END()
