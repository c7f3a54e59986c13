// The web actor's deadlines: a map ordered by when each passes, and one timer while any waits.
#include "actors/web/web_deadlines.hpp"

#include "actors/contract/messages.hpp"

#include <caf/all.hpp>

namespace otrbot::web_routes {
namespace {

/// How often the timer looks: a deadline runs at most this late.
constexpr auto timer_period = std::chrono::milliseconds{250};

void arm(web_ptr self) {
  if (self->state.deadline_timer || self->state.deadlines.empty())
    return;
  self->state.deadline_timer = true;
  self->delayed_send(caf::actor_cast<web_actor>(self), timer_period, atoms::tick_v);
}

} // namespace

deadline_key watch(web_ptr self, std::chrono::milliseconds within, std::function<void()> expire) {
  deadline_key key{std::chrono::steady_clock::now() + within, ++self->state.deadline_serial};
  self->state.deadlines.emplace(key, std::move(expire));
  arm(self);
  return key;
}

bool settle(web_ptr self, const deadline_key& key) { return self->state.deadlines.erase(key) == 1; }

void expire_deadlines(web_ptr self) {
  auto& st = self->state;
  st.deadline_timer = false;
  auto now = std::chrono::steady_clock::now();
  while (!st.deadlines.empty() && st.deadlines.begin()->first.first <= now) {
    auto node = st.deadlines.extract(st.deadlines.begin());  // its callback may add deadlines
    node.mapped()();
  }
  arm(self);
}

} // namespace otrbot::web_routes
