// The state machine engine: every rule of the reference's StateMachine.
#include "actors/rules/state_machine.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::fsm;

namespace {

struct log_ctx {
  std::vector<std::string> calls;
};

using machine = state_machine<log_ctx, std::string>;

machine::functions recorder(std::initializer_list<const char*> names) {
  machine::functions out;
  for (auto* n : names)
    out[n] = [name = std::string{n}](log_ctx& c, const std::string& arg) {
      c.calls.push_back(name + "(" + arg + ")");
    };
  return out;
}

const states_table table{
  {"idle", {.transitions = {{"start", "running"}},
            .on_enter = {"enter_idle"},
            .on_leave = {"leave_idle"},
            .allowed_actions = {"reset"},
            .handles = {{"ping", "pong"}}}},
  {"running", {.transitions = {{"stop", "idle"}, {"restart", "running"}},
               .on_enter = {"enter_running", "greet"},
               .on_leave = {"leave_running"},
               .allowed_actions = {"greet"},
               .handles = {}}},
};

const auto actions =
  recorder({"enter_idle", "leave_idle", "enter_running", "leave_running", "greet", "reset"});
const auto handlers = recorder({"pong"});

} // namespace

TEST_CASE("a machine starts in its initial state and enter() runs its on_enter actions") {
  machine m{table, actions, handlers, "idle"};
  log_ctx ctx;
  CHECK(m.state() == "idle");
  CHECK(ctx.calls.empty());
  m.enter(ctx, "x");
  CHECK(ctx.calls == std::vector<std::string>{"enter_idle(x)"});
}

TEST_CASE("a transition runs on_leave of the old state, then on_enter of the new one, in order") {
  machine m{table, actions, handlers, "idle"};
  log_ctx ctx;
  CHECK_FALSE(m.handle("start", ctx, "a"));
  CHECK(m.state() == "running");
  CHECK(ctx.calls == std::vector<std::string>{"leave_idle(a)", "enter_running(a)", "greet(a)"});
}

TEST_CASE("a transition to the same state leaves and enters it again") {
  machine m{table, actions, handlers, "running"};
  log_ctx ctx;
  CHECK_FALSE(m.handle("restart", ctx, ""));
  CHECK(m.state() == "running");
  CHECK(ctx.calls == std::vector<std::string>{"leave_running()", "enter_running()", "greet()"});
}

TEST_CASE("an event handled by the state runs the handler the state names, without a transition") {
  machine m{table, actions, handlers, "idle"};
  log_ctx ctx;
  CHECK_FALSE(m.handle("ping", ctx, "p"));
  CHECK(m.state() == "idle");
  CHECK(ctx.calls == std::vector<std::string>{"pong(p)"});
}

TEST_CASE("an event the state cannot handle is CannotHandle and changes nothing") {
  machine m{table, actions, handlers, "running"};
  log_ctx ctx;
  auto err = m.handle("ping", ctx, "");
  REQUIRE(err);
  CHECK(err->code == errc::cannot_handle);
  CHECK(err->detail == "running:ping");
  CHECK(std::string{to_string(err->code)} == "CannotHandle");
  CHECK(m.state() == "running");
  CHECK(ctx.calls.empty());
  CHECK_FALSE(m.can_handle("ping"));
  CHECK(m.can_handle("stop"));
}

TEST_CASE("an allowed action runs; any other is ActionNotAllowed") {
  machine m{table, actions, handlers, "idle"};
  log_ctx ctx;
  CHECK_FALSE(m.action("reset", ctx, "r"));
  CHECK(ctx.calls == std::vector<std::string>{"reset(r)"});
  auto err = m.action("greet", ctx, "");
  REQUIRE(err);
  CHECK(err->code == errc::action_not_allowed);
  CHECK(std::string{to_string(err->code)} == "ActionNotAllowed");
  CHECK(ctx.calls.size() == 1);
}

TEST_CASE("an initial state that is not in the table is StateDoesNotExist") {
  auto err = machine::validate(table, actions, handlers, "nowhere");
  REQUIRE(err);
  CHECK(err->code == errc::state_does_not_exist);
  CHECK(std::string{to_string(err->code)} == "StateDoesNotExist");
  CHECK_THROWS_AS((machine{table, actions, handlers, "nowhere"}), std::invalid_argument);
}

TEST_CASE("a transition to a state that is not in the table is StateDoesNotExist") {
  states_table broken = table;
  broken["idle"].transitions["jump"] = "moon";
  auto err = machine::validate(broken, actions, handlers, "idle");
  REQUIRE(err);
  CHECK(err->code == errc::state_does_not_exist);
  CHECK(err->detail == "moon");
}

TEST_CASE("an action or handler named in the table must be implemented") {
  states_table broken = table;
  broken["idle"].on_enter.push_back("dance");
  CHECK(machine::validate(broken, actions, handlers, "idle")->code == errc::not_implemented);
  broken = table;
  broken["idle"].allowed_actions.insert("fly");
  CHECK(machine::validate(broken, actions, handlers, "idle")->detail == "fly");
  broken = table;
  broken["running"].handles["ping"] = "pang";
  CHECK(machine::validate(broken, actions, handlers, "idle")->detail == "pang");
}

TEST_CASE("a name used both as transition and as handled event is refused") {
  states_table broken = table;
  broken["idle"].handles["start"] = "pong";
  auto err = machine::validate(broken, actions, handlers, "idle");
  REQUIRE(err);
  CHECK(err->code == errc::name_collision);
  CHECK(err->detail == "idle.start");
}

TEST_CASE("the valid table validates") {
  CHECK_FALSE(machine::validate(table, actions, handlers, "idle"));
}
