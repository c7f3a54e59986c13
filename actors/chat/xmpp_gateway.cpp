// The XMPP gateway actor: libstrophe's loop and the actor's mailbox on one thread.
#include "actors/chat/xmpp_gateway.hpp"

#include "actors/contract/errors.hpp"
#include "actors/contract/messages.hpp"
#include "actors/log/logging.hpp"
#include "transport/base/bot_metrics.hpp"
#include "transport/net/backoff.hpp"
#include "transport/xmpp/jid.hpp"

#include <deque>
#include <map>
#include <set>
#include <random>
#include <variant>

namespace otrbot {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// What the gateway keeps while offline, sent after the next login.
using pending = std::variant<xmpp::outbound_message, xmpp::outbound_presence, xmpp::roster_change>;
constexpr std::size_t max_pending = 1000;

constexpr std::pair<xmpp::failure, ec> fatal_kinds[] = {
  {xmpp::failure::auth_refused, ec::xmpp_auth_refused},
  {xmpp::failure::cert_untrusted, ec::xmpp_cert_untrusted},
  {xmpp::failure::tls_policy, ec::xmpp_tls_policy},
  {xmpp::failure::tls_unavailable, ec::xmpp_tls_unavailable},
};

/// The bot's own answer time: from a student's message reaching the gateway to the next message
/// to that student leaving it (what the student waits for, less the network), into
/// otrbot_xmpp_reply_seconds{kind}: "first" for a JID's first answer since the start, "answer"
/// for the others. Messages nobody answers (strangers) are forgotten after a while.
class reply_clock {
public:
  void heard(const std::string& full) {
    auto bare = xmpp::bare_of(full);
    auto now = clock::now();
    if (waiting_.size() > 20000)
      std::erase_if(waiting_, [now](const auto& w) { return now - w.second > 5min; });
    waiting_.try_emplace(std::move(bare), now);
  }
  void answered(const std::string& to) {
    auto it = waiting_.find(xmpp::bare_of(to));
    if (it == waiting_.end())
      return;
    if (answered_.size() > 100000)
      answered_.clear();  // (bounded: a JID answered long ago may count as "first" once more)
    const bool first = answered_.insert(it->first).second;
    (first ? first_ : answer_).observe_since(it->second);
    waiting_.erase(it);
  }

private:
  std::map<std::string, clock::time_point> waiting_;
  std::set<std::string> answered_;
  metrics::histogram& first_ = metrics::bot().xmpp_reply_seconds.with({"first"});
  metrics::histogram& answer_ = metrics::bot().xmpp_reply_seconds.with({"answer"});
};

} // namespace

caf::error fatal_error(xmpp::failure why, const std::string& detail) {
  for (auto [failure, code] : fatal_kinds)
    if (failure == why)
      return make_error(code, detail);
  return caf::make_error(caf::sec::runtime_error, detail);
}

std::optional<xmpp::failure> fatal_failure(const caf::error& reason) {
  for (auto [failure, code] : fatal_kinds)
    if (is(reason, code))
      return failure;
  return std::nullopt;
}

void xmpp_gateway(caf::blocking_actor* self, xmpp_gateway_config cfg) {
  auto log = logging::get("xmpp");
  bool running = true;
  bool fatal = false;
  caf::error ended;  // the exit reason after a fatal failure
  net::backoff delays;
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  auto next_attempt = clock::now();
  std::deque<pending> outbox;
  std::unique_ptr<xmpp::xmpp_client> client;

  xmpp::client_events events;
  events.connected = [&](const std::string& bound) {
    log->info("online as {}", bound);
    delays.reset();
    self->send(cfg.manager, atoms::online_v);
    while (!outbox.empty()) {
      std::visit([&](auto& m) { client->send(m); }, outbox.front());
      outbox.pop_front();
    }
  };
  events.roster = [&](std::vector<xmpp::roster_item> items) {
    self->send(cfg.manager, roster_snapshot{std::move(items)});
  };
  reply_clock replies;
  auto last_busy = clock::time_point{};  // the last chat message in or out: the loop's pace (below)
  events.message = [&](xmpp::inbound_message m) {
    last_busy = clock::now();  // its answer is coming: leave the 20 ms wait now, not after it
    replies.heard(m.from);
    self->send(cfg.manager, std::move(m));
  };
  events.presence = [&](xmpp::inbound_presence p) { self->send(cfg.manager, std::move(p)); };
  events.software = [&](xmpp::inbound_software s) { self->send(cfg.manager, std::move(s)); };
  events.pep = [&](xmpp::inbound_pep p) { self->send(cfg.manager, std::move(p)); };
  events.disconnected = [&](xmpp::failure why, const std::string& detail) {
    if (why == xmpp::failure::none) {
      log->info("disconnected");
      return;
    }
    if (xmpp::is_fatal(why)) {
      log->error("{}: {}", xmpp::to_string(why), detail);
      fatal = true;
      running = false;
      ended = fatal_error(why, detail);
      return;
    }
    auto wait = delays.next(unit(rng));
    next_attempt = clock::now() + wait;
    log->warn("{} ({}); attempt {} to reconnect in {:.1f} s", xmpp::to_string(why), detail,
              delays.attempts(), static_cast<double>(wait.count()) / 1000.0);
  };
  client = std::make_unique<xmpp::xmpp_client>(cfg.client, std::move(events), log);

  auto deliver = [&](auto&& m) {
    if constexpr (std::is_same_v<std::decay_t<decltype(m)>, xmpp::outbound_message>)
      if (client->online())
        replies.answered(m.to);
    if (client->online())
      client->send(m);
    else if (outbox.size() < max_pending)
      outbox.emplace_back(std::forward<decltype(m)>(m));
    else
      log->warn("offline and {} stanzas already waiting: one dropped", max_pending);
  };

  // Connect only once the manager knows this gateway (see runclient), so that
  // nothing the gateway hears can reach the manager before it can answer.
  bool started = false;
  self->receive_while([&] { return !started && running; })(
    [&](atoms::start) { started = true; }, [&](atoms::stop) { running = false; });

  while (running) {
    if (client->idle() && !fatal && clock::now() >= next_attempt) {
      auto where = cfg.client.host.empty() ? cfg.client.jid : cfg.client.host;
      log->info("connecting to {}:{} as {}", where, cfg.client.port, cfg.client.jid);
      client->connect();
    }
    // libstrophe waits on its socket alone: a message the actors send meanwhile waits until
    // run_once returns. While the bot is busy (a chat message came in or went out in the last
    // second) it waits 1 ms at most, so an answer leaves at once; idle, 20 ms (no busy loop).
    if (!client->idle())
      client->run_once(clock::now() - last_busy < 1s ? 1ms : 20ms);
    // While idle, wait on the mailbox until the next attempt is due.
    auto wait = client->idle()
                  ? std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 next_attempt - clock::now()),
                               0ms, 200ms)
                  : 0ms;
    bool more = true;
    while (running && more) {
      more = false;
      self->receive(
        [&](xmpp::outbound_message& m) {
          more = true;
          last_busy = clock::now();
          deliver(std::move(m));
        },
        [&](xmpp::outbound_presence& p) { more = true; deliver(std::move(p)); },
        [&](xmpp::roster_change& r) { more = true; deliver(std::move(r)); },
        // Only while online: the answer matters for the conversation under way.
        [&](xmpp::software_query& q) { more = true; client->send(q); },
        [&](xmpp::pep_query& q) { more = true; client->send(q); },
        [&](xmpp::pep_item& item) {
          more = true;
          // The next login publishes the current items from the settings: keep those current.
          for (auto& known : cfg.client.pep_items)
            if (known.node == item.node)
              known = item;
          client->send(item);
        },
        [&](atoms::stop) { running = false; },
        caf::after(wait) >> [] {});
      wait = 0ms;
    }
  }
  if (!fatal && client->online()) {
    client->disconnect();
    for (int i = 0; i < 100 && !client->idle(); ++i)
      client->run_once(20ms);
  }
  if (ended)
    self->fail_state(std::move(ended));  // the exit reason: runclient turns it into the exit code
}

} // namespace otrbot
