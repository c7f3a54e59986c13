// The session's calls into its conversation, in turn (see session_turns.hpp).
#include "actors/chat/session_turns.hpp"

#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"

#include <memory>
#include <utility>

namespace otrbot::session_turns {
namespace {

struct finished {
  e2e::outcome out;
  chat_view view;
};

finished run(e2e::conversation& chat, const call& fn) {
  finished f;
  f.out = fn(chat);
  f.view = {chat.channel(), chat.encrypted(), chat.poll_interval()};
  return f;
}

/// Runs `fn`: the calls it makes come before those queued already, as in a synchronous run.
template <class F>
void ahead_of_queue(session_state& st, F&& fn) {
  auto later = std::exchange(st.chat_queue, {});
  fn();
  for (auto& f : later)
    st.chat_queue.push_back(std::move(f));
}

void drain(session_ptr self) {
  auto& st = self->state;
  while (!st.chat_busy && !st.chat_queue.empty()) {
    auto fn = std::move(st.chat_queue.front());
    st.chat_queue.pop_front();
    ahead_of_queue(st, fn);
  }
}

void settle(session_ptr self, finished f, const then& next) {
  auto& st = self->state;
  st.view = std::move(f.view);
  if (next)
    ahead_of_queue(st, [&] { next(std::move(f.out)); });
}

void start(session_ptr self, bool costly, call fn, then next) {
  auto& st = self->state;
  if (!costly || !st.cfg.crypto) {
    settle(self, run(*st.chat, fn), next);
    return;
  }
  st.chat_busy = true;
  auto result = std::make_shared<finished>();
  // The job touches only the conversation and its result; the session waits (await: no other
  // message is taken meanwhile) and goes on with `next` on its own thread.
  crypto_job job{[chat = st.chat, fn = std::move(fn), result] { *result = run(*chat, fn); },
                 st.born};
  self->request(st.cfg.crypto, caf::infinite, std::move(job))
    .await(
      [self, result, next = std::move(next)](bool) {
        self->state.chat_busy = false;
        settle(self, std::move(*result), next);
        drain(self);
      },
      [self](caf::error& err) {
        logging::get("session")->error("{}: the cryptography threads failed: {}",
                                       self->state.cfg.jid, caf::to_string(err));
        self->quit(err);
      });
}

} // namespace

void in_turn(session_ptr self, bool costly, call fn, then next) {
  auto& st = self->state;
  if (st.chat_busy || !st.chat_queue.empty()) {
    st.chat_queue.push_back([self, costly, fn = std::move(fn), next = std::move(next)]() mutable {
      start(self, costly, std::move(fn), std::move(next));
    });
    return;
  }
  start(self, costly, std::move(fn), std::move(next));
  drain(self);
}

void after_calls(session_ptr self, std::function<void()> fn) {
  auto& st = self->state;
  if (st.chat_busy || !st.chat_queue.empty())
    st.chat_queue.push_back(std::move(fn));
  else
    fn();
}

} // namespace otrbot::session_turns
