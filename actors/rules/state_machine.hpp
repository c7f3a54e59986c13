// The generic state machine engine the lesson runs on (pure: no actor, no I/O).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace otrbot::fsm {

/// One state of a states table. States and events are keyed by `State` and `Event` (the lesson
/// uses enums; std::string works as well); actions and handlers are named.
template <class State, class Event>
struct basic_state_def {
  /// event -> the state it moves to.
  std::map<Event, State> transitions;
  /// Actions run, in order, when the state is entered / left.
  std::vector<std::string> on_enter;
  std::vector<std::string> on_leave;
  /// Actions that action() may run while in this state.
  std::set<std::string> allowed_actions;
  /// Events handled in this state without a transition: event -> handler name.
  std::map<Event, std::string> handles;
};

/// A whole states table: state -> definition.
template <class State, class Event>
using basic_states_table = std::map<State, basic_state_def<State, Event>>;

/// The tables keyed by names (the reference's form).
using state_def = basic_state_def<std::string, std::string>;
using states_table = basic_states_table<std::string, std::string>;

/// A state's or event's name in an error: itself, or its to_string (found by ADL).
inline const std::string& key_text(const std::string& key) { return key; }
template <class Key>
std::string key_text(const Key& key) {
  return std::string{to_string(key)};
}

/// What went wrong, named as the reference names its exceptions.
enum class errc {
  /// A state named as initial state or as a transition target is not in the table.
  state_does_not_exist,
  /// The current state has neither a transition nor a handler for the event.
  cannot_handle,
  /// The action is not in the current state's allowed actions.
  action_not_allowed,
  /// The table names an action or handler the machine has no implementation for.
  not_implemented,
  /// A state uses one name both as a transition and as a handled event.
  name_collision,
};

struct error {
  errc code;
  std::string detail;  ///< state, event or action name involved
  friend bool operator==(const error&, const error&) = default;
};

/// Human-readable name of an error code.
const char* to_string(errc code) noexcept;

/// Runs a states table over a context. `Arg` is the payload that comes with an
/// event or an action (for the lesson: the text of a message, a secret, ...).
/// Actions and handlers are plain functions of (context, argument).
template <class Context, class Arg, class State = std::string, class Event = std::string>
class state_machine {
public:
  using function = std::function<void(Context&, const Arg&)>;
  using functions = std::map<std::string, function>;
  using table_type = basic_states_table<State, Event>;

  /// Checks the table against the implementations; nullopt-free result on success.
  static std::optional<error> validate(const table_type& table, const functions& actions,
                                       const functions& handlers, const State& initial) {
    if (!table.contains(initial))
      return error{errc::state_does_not_exist, key_text(initial)};
    for (const auto& [name, def] : table) {
      for (const auto& [event, target] : def.transitions) {
        if (!table.contains(target))
          return error{errc::state_does_not_exist, key_text(target)};
        if (def.handles.contains(event))
          return error{errc::name_collision, key_text(name) + "." + key_text(event)};
      }
      for (const auto* list : {&def.on_enter, &def.on_leave})
        for (const auto& a : *list)
          if (!actions.contains(a))
            return error{errc::not_implemented, a};
      for (const auto& a : def.allowed_actions)
        if (!actions.contains(a))
          return error{errc::not_implemented, a};
      for (const auto& [event, h] : def.handles)
        if (!handlers.contains(h))
          return error{errc::not_implemented, h};
    }
    return std::nullopt;
  }

  /// Builds a machine in `initial` without running its on_enter actions (call
  /// enter() for that). Callers must validate() first; an invalid table is a
  /// programming error and throws std::invalid_argument.
  state_machine(const table_type& table, functions actions, functions handlers, State initial)
    : table_(&table), actions_(std::move(actions)), handlers_(std::move(handlers)),
      current_(std::move(initial)) {
    if (auto err = validate(*table_, actions_, handlers_, current_))
      throw std::invalid_argument(std::string{to_string(err->code)} + ": " + err->detail);
  }

  /// The current state.
  const State& state() const noexcept { return current_; }

  /// Runs the initial state's on_enter actions.
  void enter(Context& ctx, const Arg& arg) { run_all(def().on_enter, ctx, arg); }

  /// Handles an event: a transition (on_leave of the old state, then on_enter
  /// of the new one) or a handler of the current state.
  std::optional<error> handle(const Event& event, Context& ctx, const Arg& arg) {
    const auto& d = def();
    if (auto t = d.transitions.find(event); t != d.transitions.end()) {
      run_all(d.on_leave, ctx, arg);
      current_ = t->second;
      run_all(def().on_enter, ctx, arg);
      return std::nullopt;
    }
    if (auto h = d.handles.find(event); h != d.handles.end()) {
      handlers_.at(h->second)(ctx, arg);
      return std::nullopt;
    }
    return error{errc::cannot_handle, key_text(current_) + ":" + key_text(event)};
  }

  /// Whether the current state can handle `event` at all.
  bool can_handle(const Event& event) const {
    const auto& d = def();
    return d.transitions.contains(event) || d.handles.contains(event);
  }

  /// Runs an action if the current state allows it.
  std::optional<error> action(const std::string& name, Context& ctx, const Arg& arg) {
    if (!def().allowed_actions.contains(name))
      return error{errc::action_not_allowed, key_text(current_) + ":" + name};
    actions_.at(name)(ctx, arg);
    return std::nullopt;
  }

private:
  const basic_state_def<State, Event>& def() const { return table_->at(current_); }

  void run_all(const std::vector<std::string>& names, Context& ctx, const Arg& arg) {
    for (const auto& n : names)
      actions_.at(n)(ctx, arg);
  }

  const table_type* table_;
  functions actions_;
  functions handlers_;
  State current_;
};

} // namespace otrbot::fsm
