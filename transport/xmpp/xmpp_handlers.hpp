// Internal to xmpp_client.cpp: the libstrophe connection's state and its handlers, which turn
// what the server sends (stanzas, connection events, libstrophe's log) into client_events.
#pragma once

#include "transport/xmpp/attempt_notes.hpp"
#include "transport/xmpp/jid.hpp"
#include "transport/xmpp/pep.hpp"
#include "transport/xmpp/pep_reads.hpp"
#include "transport/xmpp/stanza_codec.hpp"
#include "transport/xmpp/stanza_count.hpp"
#include "transport/xmpp/strophe_reads.hpp"
#include "transport/xmpp/xmpp_client.hpp"
#include "transport/xmpp/xmpp_identity.hpp"

#include <spdlog/spdlog.h>
#include <strophe.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>

namespace otrbot::xmpp {

struct ctx_free {
  void operator()(xmpp_ctx_t* c) const noexcept { xmpp_ctx_free(c); }
};
inline constexpr const char* ns_roster = "jabber:iq:roster";
inline constexpr const char* ns_ping = "urn:xmpp:ping";
inline constexpr const char* ns_version = "jabber:iq:version";
inline constexpr const char* ns_disco_info = "http://jabber.org/protocol/disco#info";

struct xmpp_client::impl {
  client_options opts;
  client_events events;
  std::shared_ptr<spdlog::logger> log;
  xmpp_log_t strophe_log{};
  std::unique_ptr<xmpp_ctx_t, ctx_free> ctx;
  xmpp_conn_t* conn = nullptr;
  bool is_online = false;
  bool connected_before = false;  ///< a later connection is a reconnect (metrics)
  bool release_pending = false;  // a disconnected conn to free outside its handler
  /// XEP-0198: the stream management state of the last connection (what the server has not
  /// acknowledged, and how to resume), carried to the next one; null without it.
  xmpp_sm_state_t* sm = nullptr;

  /// Frees the connection, keeping its stream management state for the next one.
  void release_conn() {
    if (!conn)
      return;
    if (auto* state = xmpp_conn_get_sm_state(conn)) {
      if (sm)
        xmpp_free_sm_state(sm);
      sm = state;
    }
    xmpp_conn_release(conn);
    conn = nullptr;
  }
  bool closing = false;          // we asked for the disconnect
  attempt_notes notes;  // what the log and the TLS layer told us during this attempt
  int roster_seq = 0;
  std::map<std::string, std::string> publishing;  ///< iq id -> what it publishes
  /// iq id -> the PEP item it publishes, and whether its node was reconfigured for it already.
  std::map<std::string, std::pair<pep_item, bool>> pep_publishing;
  std::map<std::string, std::pair<pep_item, bool>> pep_configuring;  ///< iq id -> item to publish next
  pep_reads pep_fetching;  ///< the reads under way, by iq id
  /// At most this many reads wait for their answer (a student's device list and bundles).
  static constexpr std::size_t max_pep_fetching = 512;
  /// A payload larger than this is not read (a bundle of 100 prekeys is ~10 KiB).
  static constexpr std::size_t max_pep_payload = 64 * 1024;

  static void on_log(void* self, xmpp_log_level_t level, const char* area, const char* msg) {
    auto* me = static_cast<impl*>(self);
    // Failures are told apart only while connecting: once online, no line
    // (stanzas of up to 256 KiB among them) needs scanning for them.
    if (!me->is_online)
      me->notes.note(area, msg);
    auto lvl = level_of(level);
    if (!me->log->should_log(lvl))
      return;
    me->log->log(lvl, "{}: {}", area, sanitize_wire_line(msg, me->opts.wire_log));
  }

  static int on_certfail(const xmpp_tlscert_t* cert, const char* errormsg);

  static void on_conn(xmpp_conn_t* c, xmpp_conn_event_t status, int error,
                      xmpp_stream_error_t* stream_error, void* self) {
    auto* me = static_cast<impl*>(self);
    if (status == XMPP_CONN_CONNECT) {
      if (me->connected_before)
        metrics::bot().xmpp_reconnects.get().inc();
      me->connected_before = true;
      me->is_online = true;
      me->notes.online();
      xmpp_handler_add(c, &impl::on_message, nullptr, "message", nullptr, me);
      xmpp_handler_add(c, &impl::on_presence, nullptr, "presence", nullptr, me);
      xmpp_handler_add(c, &impl::on_iq, nullptr, "iq", nullptr, me);
      me->request_roster();
      if (me->opts.publish_identity) {
        me->publish_identity();
        for (const auto& item : me->opts.pep_items)
          me->publish_pep(item, false);
      }
      const char* bound = xmpp_conn_get_bound_jid(c);
      if (me->events.connected)
        me->events.connected(bound ? bound : me->opts.jid);
      return;
    }
    // XMPP_CONN_DISCONNECT or XMPP_CONN_FAIL
    bool was_online = me->is_online;
    me->is_online = false;
    me->release_pending = true;
    auto why = me->notes.classify(me->closing);
    std::string detail = me->notes.detail(why);
    if (detail.empty() && error != 0)
      detail = std::strerror(error);
    if (detail.empty() && stream_error && stream_error->text)
      detail = stream_error->text;
    if (why == failure::unreachable && !was_online && detail.empty())
      detail = "no connection could be made";
    if (me->events.disconnected)
      me->events.disconnected(why, detail);
  }

  void request_roster() {
    auto id = "roster" + std::to_string(++roster_seq);
    stanza_ptr iq{xmpp_iq_new(ctx.get(), "get", id.c_str())};
    stanza_ptr query{xmpp_stanza_new(ctx.get())};
    xmpp_stanza_set_name(query.get(), "query");
    xmpp_stanza_set_ns(query.get(), ns_roster);
    xmpp_stanza_add_child(iq.get(), query.get());
    xmpp_id_handler_add(conn, &impl::on_roster_result, id.c_str(), this);
    send_counted(conn, iq.get());
  }

  /// The vCard (XEP-0054, with XEP-0153's photo) and the PEP avatar (XEP-0084): a server
  /// without them refuses, and the bot goes on without a picture there.
  void publish_identity() {
    auto send_checked = [this](stanza_ptr iq, const char* what) {
      std::string id = xmpp_stanza_get_id(iq.get());
      publishing[id] = what;
      xmpp_id_handler_add(conn, &impl::on_publish_result, id.c_str(), this);
      send_counted(conn, iq.get());
    };
    auto id = [this](const char* kind) { return kind + std::to_string(++roster_seq); };
    send_checked(vcard_set(ctx.get(), id("vcard"), opts.me), "the vCard (XEP-0054)");
    if (opts.me.picture) {
      send_checked(avatar_data_publish(ctx.get(), id("avatar"), *opts.me.picture),
                   "the avatar's data (XEP-0084)");
      send_checked(avatar_metadata_publish(ctx.get(), id("avatar"), *opts.me.picture),
                   "the avatar's metadata (XEP-0084)");
    }
  }

  /// Publishes an item readable by anyone; after `precondition-not-met` (the node exists with
  /// another access model) the node is configured to open, then the item published again, once.
  void publish_pep(const pep_item& item, bool configured) {
    auto id = "pep" + std::to_string(++roster_seq);
    auto iq = pep_publish_open(ctx.get(), id, item);
    if (!iq) {
      log->error("a PEP item for {} is not well-formed XML: not published", item.node);
      return;
    }
    pep_publishing[id] = {item, configured};
    xmpp_id_handler_add(conn, &impl::on_pep_result, id.c_str(), this);
    send_counted(conn, iq.get());
  }

  static int on_pep_result(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    auto* me = static_cast<impl*>(self);
    const char* id = xmpp_stanza_get_id(stanza);
    auto it = me->pep_publishing.find(id ? id : "");
    if (it == me->pep_publishing.end())
      return 0;
    auto [item, configured] = it->second;
    me->pep_publishing.erase(it);
    const char* type = xmpp_stanza_get_type(stanza);
    if (!type || std::strcmp(type, "error") != 0) {
      me->log->info("published {}", item.node);
      return 0;
    }
    auto condition = error_condition(stanza);
    // XEP-0060 7.1.5: <conflict/> with pubsub's <precondition-not-met/> beside it.
    auto* error = xmpp_stanza_get_child_by_name(stanza, "error");
    bool precondition = error && xmpp_stanza_get_child_by_name(error, "precondition-not-met");
    if (precondition && !configured) {
      auto conf_id = "pepconf" + std::to_string(++me->roster_seq);
      me->pep_configuring[conf_id] = {item, true};
      xmpp_id_handler_add(me->conn, &impl::on_pep_configured, conf_id.c_str(), me);
      send_counted(me->conn, pep_configure_open(me->ctx.get(), conf_id, item.node).get());
      me->log->info("{} exists with another access model: configuring it to open", item.node);
      return 0;
    }
    me->log->warn("the server did not publish {}: {}", item.node, condition);
    return 0;
  }

  void fetch_pep(const pep_query& q) {
    if (pep_fetching.covered(q))
      return;  // the read under way answers this one too
    if (pep_fetching.size() >= max_pep_fetching) {
      log->warn("too many PEP reads under way: {} of {} not read", q.node, q.to);
      if (events.pep)
        events.pep(inbound_pep{q.to, q.node, {}});
      return;
    }
    auto id = "fetch" + std::to_string(++roster_seq);
    auto iq = pep_items_get(ctx.get(), id, q);
    pep_fetching.sent(id, q);
    xmpp_id_handler_add(conn, &impl::on_pep_fetched, id.c_str(), this);
    send_counted(conn, iq.get());
  }

  /// The answer to fetch_pep, only from the account asked (anyone may send a result with a
  /// guessed id).
  static int on_pep_fetched(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    auto* me = static_cast<impl*>(self);
    const char* id = xmpp_stanza_get_id(stanza);
    const pep_query* asked = me->pep_fetching.find(id ? id : "");
    if (!asked)
      return 0;
    const char* from = xmpp_stanza_get_from(stanza);
    if (!from || bare_of(from) != asked->to) {
      me->log->warn("a PEP answer from another account than asked was ignored");
      return 1;  // keep waiting for the real answer
    }
    inbound_pep got{asked->to, asked->node,
                    pep_first_payload(me->ctx.get(), stanza, max_pep_payload)};
    me->pep_fetching.answered(id);
    if (me->events.pep)
      me->events.pep(std::move(got));
    return 0;
  }

  static int on_pep_configured(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    auto* me = static_cast<impl*>(self);
    const char* id = xmpp_stanza_get_id(stanza);
    auto it = me->pep_configuring.find(id ? id : "");
    if (it == me->pep_configuring.end())
      return 0;
    auto item = it->second.first;
    me->pep_configuring.erase(it);
    const char* type = xmpp_stanza_get_type(stanza);
    if (type && std::strcmp(type, "error") == 0) {
      me->log->warn("the server did not configure {}: {}", item.node, error_condition(stanza));
      return 0;
    }
    me->publish_pep(item, true);
    return 0;
  }

  static int on_publish_result(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    auto* me = static_cast<impl*>(self);
    const char* id = xmpp_stanza_get_id(stanza);
    auto it = me->publishing.find(id ? id : "");
    if (it == me->publishing.end())
      return 0;
    const char* type = xmpp_stanza_get_type(stanza);
    if (type && std::strcmp(type, "error") == 0) {
      auto* error = xmpp_stanza_get_child_by_name(stanza, "error");
      const char* name = nullptr;
      for (auto* c = error ? xmpp_stanza_get_children(error) : nullptr; c && !name;
           c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c) && std::strcmp(xmpp_stanza_get_name(c), "text") != 0)
          name = xmpp_stanza_get_name(c);
      me->log->warn("the server did not store {}: {}", it->second, name ? name : "an error");
    } else {
      me->log->info("published {}", it->second);
    }
    me->publishing.erase(it);
    return 0;  // one-shot
  }

  /// XEP-0092's answer: the <name/> of the client's software.
  static int on_version_result(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    auto* me = static_cast<impl*>(self);
    inbound_software s;
    const char* from = xmpp_stanza_get_from(stanza);
    s.from = from ? from : "";
    const char* type = xmpp_stanza_get_type(stanza);
    auto* query = xmpp_stanza_get_child_by_ns(stanza, ns_version);
    auto* name = query ? xmpp_stanza_get_child_by_name(query, "name") : nullptr;
    if (type && std::strcmp(type, "result") == 0 && name) {
      char* text = xmpp_stanza_get_text(name);
      if (text) {
        s.name.assign(text, std::min<std::size_t>(std::strlen(text), 200));
        xmpp_free(me->ctx.get(), text);
      }
    }
    if (me->events.software && !s.from.empty())
      me->events.software(std::move(s));
    return 0;  // one-shot
  }

  static int on_roster_result(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    auto* me = static_cast<impl*>(self);
    const char* type = xmpp_stanza_get_type(stanza);
    auto* query = xmpp_stanza_get_child_by_ns(stanza, ns_roster);
    if (type && std::strcmp(type, "result") == 0 && me->events.roster)
      me->events.roster(query ? roster_items(query) : std::vector<roster_item>{});
    else
      me->log->warn("the server refused the roster request");
    return 0;  // one-shot
  }

  /// RFC 6121 4 and 5: presences and chat messages, decoded by stanza_codec
  /// (carbons and forwards are copies, not words sent to the bot: ignored).
  static int on_stanza(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
    stanzas_in().inc();
    auto* me = static_cast<impl*>(self);
    auto event = decode(me->ctx.get(), stanza);
    if (const char* from = xmpp_stanza_get_from(stanza); from && me->pep_fetching.size() > 0)
      me->pep_fetching.heard_from(bare_of(from));  // its reads under way are older than this
    if (auto* m = std::get_if<inbound_message>(&event)) {
      if (me->events.message)
        me->events.message(std::move(*m));
    } else if (auto* p = std::get_if<inbound_presence>(&event)) {
      if (me->events.presence)
        me->events.presence(std::move(*p));
    } else {
      const char* from = xmpp_stanza_get_from(stanza);
      me->log->debug("ignored {} from {}", std::get<ignored>(event).why, from ? from : "nobody");
    }
    return 1;
  }
  // One handler function per stanza name: libstrophe keeps a function (with
  // the same user data) only once, whatever names it was added for.
  static int on_message(xmpp_conn_t* c, xmpp_stanza_t* s, void* self) { return on_stanza(c, s, self); }
  static int on_presence(xmpp_conn_t* c, xmpp_stanza_t* s, void* self) { return on_stanza(c, s, self); }

  /// RFC 6121 2.1.6 roster pushes are acknowledged; XEP-0199 pings answered;
  /// any other request gets service-unavailable (RFC 6120 8.4), the same for
  /// everyone, so nothing tells a stranger whether they are whitelisted.
  static int on_iq(xmpp_conn_t* c, xmpp_stanza_t* stanza, void* self) {
    stanzas_in().inc();
    auto* me = static_cast<impl*>(self);
    const char* type = xmpp_stanza_get_type(stanza);
    if (!type || (std::strcmp(type, "get") != 0 && std::strcmp(type, "set") != 0))
      return 1;
    const char* from = xmpp_stanza_get_from(stanza);
    bool from_server_or_self = !from || bare_of(from) == me->opts.jid || bare_of(from).empty();
    if (std::strcmp(type, "set") == 0 && xmpp_stanza_get_child_by_ns(stanza, ns_roster)) {
      if (from_server_or_self) {
        // Built by hand: xmpp_stanza_reply() gives nothing for a push without 'from'.
        stanza_ptr reply{xmpp_iq_new(me->ctx.get(), "result", xmpp_stanza_get_id(stanza))};
        send_counted(c, reply.get());
      }
      return 1;
    }
    // Who the bot is (XEP-0030, XEP-0092): the same answer for everyone.
    if (std::strcmp(type, "get") == 0 && xmpp_stanza_get_child_by_ns(stanza, ns_disco_info)) {
      send_counted(c, disco_info_answer(me->ctx.get(), stanza, me->opts.me).get());
      return 1;
    }
    if (std::strcmp(type, "get") == 0 && xmpp_stanza_get_child_by_ns(stanza, ns_version)) {
      send_counted(c, version_answer(me->ctx.get(), stanza, me->opts.me).get());
      return 1;
    }
    if (std::strcmp(type, "get") == 0 && xmpp_stanza_get_child_by_ns(stanza, ns_ping)) {
      stanza_ptr reply{xmpp_iq_new(me->ctx.get(), "result", xmpp_stanza_get_id(stanza))};
      if (from)
        xmpp_stanza_set_to(reply.get(), from);
      send_counted(c, reply.get());
      return 1;
    }
    stanza_ptr err{xmpp_stanza_reply_error(stanza, "cancel", "service-unavailable", nullptr)};
    if (err)
      send_counted(c, err.get());
    return 1;
  }
};

} // namespace otrbot::xmpp
