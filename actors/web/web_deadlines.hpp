// The web actor's requests to other actors, each with a deadline the web actor keeps itself:
// one timer for all of them. (A CAF timed request costs two events on CAF's clock thread, each
// a wake-up of that thread: at a lecture hall's launch rate, a tenth of the bot's CPU.)
#pragma once

#include "actors/web/web.hpp"

#include <caf/detail/type_traits.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <functional>
#include <utility>

namespace otrbot::web_routes {

using web_ptr = web_actor::stateful_pointer<web_state>;

/// Keeps `expire` until `within` has passed (then runs it, once) or settle() takes it back.
deadline_key watch(web_ptr self, std::chrono::milliseconds within, std::function<void()> expire);

/// Whether the deadline `key` was still pending (and is now settled); false once it expired.
bool settle(web_ptr self, const deadline_key& key);

/// The web actor's timer: runs the deadlines that have passed, and comes again while some wait.
void expire_deadlines(web_ptr self);

/// `f`, run only while its request's deadline is still pending.
template <class F, class Args = typename caf::detail::get_callable_trait<F>::arg_types>
struct settled;

template <class F, class... Args>
struct settled<F, caf::detail::type_list<Args...>> {
  web_ptr self;
  deadline_key key;
  F f;
  void operator()(Args... xs) {
    if (settle(self, key))
      f(std::forward<Args>(xs)...);
  }
};

/// A request on its way; then() as CAF's, the error a request_timeout once the deadline passed.
template <class Handle>
class deadline_request {
public:
  deadline_request(web_ptr self, Handle h, std::chrono::milliseconds within)
      : self_(self), handle_(std::move(h)), within_(within) {}

  template <class OnValue, class OnError>
  void then(OnValue on_value, OnError on_error) && {
    auto key = watch(self_, within_, [on_error]() mutable {
      caf::error e = caf::make_error(caf::sec::request_timeout);
      on_error(e);
    });
    std::move(handle_).then(settled<OnValue>{self_, key, std::move(on_value)},
                            settled<OnError>{self_, key, std::move(on_error)});
  }

private:
  web_ptr self_;
  Handle handle_;
  std::chrono::milliseconds within_;
};

/// self->request(dest, within, xs...) with the deadline kept by the web actor.
template <caf::message_priority P = caf::message_priority::normal, class Dest, class... Ts>
auto request_within(web_ptr self, const Dest& dest, std::chrono::milliseconds within, Ts&&... xs) {
  auto h = self->template request<P>(dest, caf::infinite, std::forward<Ts>(xs)...);
  return deadline_request<decltype(h)>{self, std::move(h), within};
}

} // namespace otrbot::web_routes
