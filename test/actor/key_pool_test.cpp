// The key pool and its stock under CAF's test coordinator: the pool keeps its stock full, a key
// taken from the stock is made again, a session asking with nothing ready gets the next key
// made, and a session takes its key from the stock in its first turn, without asking the pool.
#define CAF_SUITE key_pool
#include "actors/chat/key_pool.hpp"
#include "actors/chat/session.hpp"
#include "actors/chat/session_manager.hpp"
#include "actors/contract/messages.hpp"
#include "transport/otr/otr_session.hpp"
#include "test/actor/fakes.hpp"

#include <caf/test/dsl.hpp>
#include <caf/test/unit_test_impl.hpp>

#include <memory>

using namespace otrbot;

namespace {

const bool otr_ready = otr::initialize();

struct fixture : fakes::manager_fixture {
  std::shared_ptr<key_stock> stock = std::make_shared<key_stock>();
  std::shared_ptr<int> made = std::make_shared<int>(0);  ///< keys the makers began
  key_pool_actor pool;

  void open_pool(std::size_t capacity) {
    key_pool_config kc;
    kc.account = "bot@x.org";
    kc.capacity = capacity;
    kc.makers = 1;
    kc.stock = stock;
    kc.detached_makers = false;  // on the test's scheduler
    kc.before_key = [made = made] { ++*made; };
    pool = sys.spawn(key_pool, std::move(kc));
    run();
  }

  ~fixture() override {
    if (pool)
      self->send_exit(pool, caf::exit_reason::kill);
    run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(key_pool_tests, fixture)

CAF_TEST(the pool fills its stock and makes again each key taken from it) {
  CAF_REQUIRE(otr_ready);
  open_pool(2);
  CAF_CHECK_EQUAL(stock->size(), 2u);
  CAF_CHECK_EQUAL(*made, 2);
  auto key = stock->take();
  CAF_REQUIRE(key.has_value());
  CAF_CHECK(key->key != nullptr);
  CAF_CHECK_EQUAL(stock->size(), 1u);
  self->send(pool, atoms::key_taken_v);
  run();
  CAF_CHECK_EQUAL(stock->size(), 2u);  // made again, and no more than the pool holds
  CAF_CHECK_EQUAL(*made, 3);
  self->send(pool, atoms::key_taken_v);  // said when nothing was taken: nothing more is made
  run();
  CAF_CHECK_EQUAL(stock->size(), 2u);
  CAF_CHECK_EQUAL(*made, 3);
}

CAF_TEST(a session that asks when no key is ready gets the next key made) {
  CAF_REQUIRE(otr_ready);
  open_pool(0);
  CAF_CHECK_EQUAL(*made, 0);
  auto asked = self->request(pool, caf::infinite, atoms::take_key_v);
  run();
  bool got = false;
  asked.receive([&](otr_key& k) { got = k.key != nullptr; },
                [&](caf::error& e) { CAF_FAIL("the pool answered " << caf::to_string(e)); });
  CAF_CHECK(got);
  CAF_CHECK_EQUAL(*made, 1);
  CAF_CHECK_EQUAL(stock->size(), 0u);  // made for the session, not kept
}

CAF_TEST(a session starts with a key from the stock before the pool runs again) {
  CAF_REQUIRE(otr_ready);
  open_pool(1);
  CAF_REQUIRE_EQUAL(stock->size(), 1u);
  session_manager_config mc;
  mc.whitelist = {{"alice@x.org", "en_GB"}};
  mc.session_defaults.account = "bot@x.org";
  mc.session_defaults.key_pool = pool;
  mc.session_defaults.keys = stock;
  manager = sys.spawn(session_manager, std::move(mc));
  auto sent = std::make_shared<std::vector<std::string>>();
  self->send(manager, atoms::gateway_v, sys.spawn(fakes::recording_gateway, sent, false));
  run();
  self->send(manager, xmpp::inbound_message{"alice@x.org/phone", "hello"});
  expect((xmpp::inbound_message), from(self).to(manager));  // the manager starts the session
  auto session = deref<session_manager_actor::stateful_base<session_manager_state>>(manager)
                   .state.sessions.at("alice@x.org")
                   .actor;
  // The session's first turn alone: its key is installed in it.
  CAF_REQUIRE(sched.prioritize(session));
  sched.run_once();
  CAF_CHECK(deref<session_actor::stateful_base<session_state>>(session).state.key_ready);
  CAF_CHECK_EQUAL(stock->size(), 0u);
  // The pool hears that a key was taken (no take_key: that would be answered, not told).
  expect((atoms::key_taken), from(session).to(pool));
  run();
  CAF_CHECK_EQUAL(stock->size(), 1u);  // made again
  CAF_CHECK_EQUAL(*made, 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
