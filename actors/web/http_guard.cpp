#include "actors/web/http_guard.hpp"

#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/base/unix_time.hpp"

#include <pistache/peer.h>
#include <pistache/tcp.h>

#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <string_view>

namespace otrbot::lti {

// Pistache lets only its Transport give a handler the transport it serves
// (Tcp::Handler::associateTransport is private, Transport its friend). The framing handler
// wraps the router's handler and must hand it the transport it was given. An explicit
// instantiation is exempt from access checks ([temp.spec.general]/6): it is how the member
// pointer of that one non-virtual function is taken, here and nowhere else.
using associate_fn = void (Pistache::Tcp::Handler::*)(Pistache::Tcp::Transport*);
associate_fn associate_transport();
template <associate_fn F>
struct associate_access {
  friend associate_fn associate_transport() { return F; }
};
template struct associate_access<&Pistache::Tcp::Handler::associateTransport>;

namespace {

using namespace Pistache;

constexpr const char* state_key = "otrbot.connection";

/// One connection, as the framing handler sees it (in the peer's data).
struct connection {
  std::mutex mutex;
  request_framer framer;
  std::string address;
  bool counted = false;      ///< holds one of its address's connections
  bool refused = false;      ///< answered with an error: nothing more is read
  bool pending = false;      ///< a route took a request and has not answered yet
  bool close_after = false;  ///< a request was pipelined behind the pending one
};

std::shared_ptr<connection> state_of(const std::shared_ptr<Tcp::Peer>& peer) {
  return peer ? std::static_pointer_cast<connection>(peer->tryGetData(state_key)) : nullptr;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "Error";
}

/// Ends the connection once an answer is written. `reading`: the client may still be sending
/// (a body too large): only our side closes, so that it reads the answer instead of a reset;
/// what it sends meanwhile is dropped, and Pistache removes the peer when the client closes.
void close_connection(const std::shared_ptr<Tcp::Peer>& peer, bool reading = true) {
  ::shutdown(peer->fd(), reading ? SHUT_WR : SHUT_RDWR);
}

/// Answers `status` without Pistache's parser (the request was never handed to it) and closes.
void refuse(const std::shared_ptr<Tcp::Peer>& peer, connection& c, int status, const std::string& why) {
  const bool reading = status != 503;  // a connection over the limit holds no descriptor
  c.refused = true;
  metrics::bot().http_requests.with({"refused_before_parsing", std::to_string(status)}).inc();
  const std::string body = why + "\n";
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string{reason_phrase(status)} +
                     "\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff"
                     "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\n\r\n" + body;
  logging::get("lti")->debug("HTTP request from {} refused before parsing: {} {}",
                             logging::printable(c.address), status, why);
  auto text = std::make_shared<std::string>(std::move(head));
  peer->send(RawBuffer{text->data(), text->size()})
    .then([peer, text, reading](ssize_t) { close_connection(peer, reading); },
          [peer, reading](std::exception_ptr) { close_connection(peer, reading); });
}

class framing_handler final : public Http::Handler {
public:
  HTTP_PROTOTYPE(framing_handler)

  framing_handler(std::shared_ptr<Http::Handler> inner, framing_limits framing,
                  std::shared_ptr<client_limits> limits)
      : inner_(std::move(inner)), framing_(framing), limits_(std::move(limits)) {}

  framing_handler(const framing_handler& other)
      : Http::Handler(other),
        inner_(std::static_pointer_cast<Http::Handler>(other.inner_->clone())),
        framing_(other.framing_), limits_(other.limits_) {}

  void onRequest(const Http::Request&, Http::ResponseWriter) override {}  // the inner one's

private:
  Tcp::Handler& inner() {
    if (!associated_) {  // the transport is ours only once Pistache gave it
      (inner_.get()->*associate_transport())(transport());
      associated_ = true;
    }
    return *inner_;
  }

  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    auto c = std::make_shared<connection>();
    c->framer = request_framer{framing_};
    c->address = peer->address().host();
    peer->putData(state_key, c);
    inner().onConnection(peer);
    std::lock_guard lock{c->mutex};
    c->counted = limits_->open(c->address);
    if (!c->counted)
      refuse(peer, *c, 503, "too many connections from your address");
  }

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    if (auto c = state_of(peer)) {
      std::lock_guard lock{c->mutex};
      if (c->counted)
        limits_->close(c->address);
      c->counted = false;
    }
    inner().onDisconnection(peer);
  }

  void onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto c = state_of(peer);
    if (!c)
      return;
    std::string_view in{buffer, len};
    std::unique_lock lock{c->mutex};
    while (!in.empty() && !c->refused) {
      if (c->pending) {
        // A request behind one not yet answered: answers must keep the order of requests
        // (RFC 9112 9.3.2), so this connection closes after the pending answer, and the
        // client sends what it has left on a new one.
        c->close_after = true;
        return;
      }
      if (!c->framer.started() && !limits_->request(c->address, otrbot::unix_now())) {
        refuse(peer, *c, 429, "too many requests from your address; wait a minute");
        return;
      }
      auto step = c->framer.feed(in);
      if (step.error) {
        refuse(peer, *c, step.error->status, step.error->reason);
        return;
      }
      if (step.take == 0)
        return;  // (the framer takes at least a byte of any input; never loop on none)
      lock.unlock();  // a route may answer at once (and lock it again)
      inner().onInput(in.data(), step.take, peer);
      lock.lock();
      in.remove_prefix(step.take);
    }
  }

  std::shared_ptr<Http::Handler> inner_;
  framing_limits framing_;
  std::shared_ptr<client_limits> limits_;
  bool associated_ = false;
};

} // namespace

std::shared_ptr<Http::Handler> guarded(std::shared_ptr<Http::Handler> inner, framing_limits framing,
                                       std::shared_ptr<client_limits> limits) {
  return std::make_shared<framing_handler>(std::move(inner), framing, std::move(limits));
}

void answer_pending(Http::ResponseWriter& response) {
  if (auto c = state_of(response.getPeer())) {
    std::lock_guard lock{c->mutex};
    c->pending = true;
  }
}

bool answering(Http::ResponseWriter& response) {
  auto c = state_of(response.getPeer());
  if (!c)
    return false;
  std::lock_guard lock{c->mutex};
  c->pending = false;
  return c->close_after;
}

void close_when_sent(Http::ResponseWriter& response, Async::Promise<ssize_t> sent) {
  auto peer = response.getPeer();
  if (!peer)
    return;
  // Once only: after the first shutdown the client closes, Pistache closes the descriptor, and
  // its number may already belong to another connection.
  auto done = std::make_shared<std::atomic<bool>>(false);
  auto close_once = [peer, done] {
    if (!done->exchange(true))
      close_connection(peer);
  };
  sent.then([close_once](ssize_t) { close_once(); },
            [close_once](std::exception_ptr) { close_once(); });
  // Pistache 0.0.5 resolves the promise that send() returns (a chained one) on its reactor
  // thread without the promise's lock, so a continuation attached from this thread (an actor's)
  // at that moment is lost: the answer went out, the connection stayed open, and the request
  // pipelined behind it waited forever. The state itself is atomic: a promise already settled
  // here is closed here.
  if (sent.isFulfilled() || sent.isRejected())
    close_once();
}

} // namespace otrbot::lti
