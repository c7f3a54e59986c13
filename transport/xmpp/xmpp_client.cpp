// The libstrophe connection's lifecycle (as libstrophe's examples/bot.c) and the stanzas the
// bot sends (RFC 6120/6121); what the server sends is handled in xmpp_handlers.hpp.
#include "transport/xmpp/xmpp_client.hpp"

#include "transport/xmpp/xmpp_handlers.hpp"

#include <spdlog/spdlog.h>
#include <strophe.h>

#include <algorithm>
#include <map>
#include <cstring>

namespace otrbot::xmpp {

void initialize_library() { xmpp_initialize(); }

namespace {
// libstrophe's certificate-failure handler carries no user data; the one
// thread that owns the libstrophe context points this at its client.
thread_local xmpp_client::impl* certfail_owner = nullptr;
} // namespace

int xmpp_client::impl::on_certfail(const xmpp_tlscert_t*, const char* errormsg) {
  if (certfail_owner) {
    certfail_owner->notes.cert_failed(errormsg ? errormsg : "");
  }
  return 0;  // never accept a certificate that did not verify
}

xmpp_client::xmpp_client(client_options opts, client_events events,
                         std::shared_ptr<spdlog::logger> log)
  : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
  impl_->events = std::move(events);
  impl_->log = std::move(log);
  impl_->strophe_log = {&impl::on_log, impl_.get()};
  impl_->ctx.reset(xmpp_ctx_new(nullptr, &impl_->strophe_log));
  if (!impl_->ctx)
    throw std::bad_alloc{};
}

xmpp_client::~xmpp_client() {
  impl_->release_conn();
  if (impl_->sm)
    xmpp_free_sm_state(impl_->sm);
  if (certfail_owner == impl_.get())
    certfail_owner = nullptr;
}

bool xmpp_client::connect() {
  auto& m = *impl_;
  m.release_conn();
  m.release_pending = false;
  m.closing = false;
  m.notes.clear();
  // The answers awaited on the last connection will not come.
  m.publishing.clear();
  m.pep_publishing.clear();
  m.pep_configuring.clear();
  m.pep_fetching.clear();
  certfail_owner = &m;
  m.conn = xmpp_conn_new(m.ctx.get());
  // XEP-0198 where the server offers it (Prosody's mod_smacks): after a cut connection the
  // session is resumed, and what either side had not acknowledged is sent again.
  if (m.sm && xmpp_conn_set_sm_state(m.conn, m.sm) != XMPP_EOK)
    xmpp_free_sm_state(m.sm);
  m.sm = nullptr;
  long flags = 0;
  if (!m.opts.enable_tls)
    flags |= XMPP_CONN_FLAG_DISABLE_TLS;
  else if (m.opts.direct_tls)
    flags |= XMPP_CONN_FLAG_LEGACY_SSL;
  else
    flags |= XMPP_CONN_FLAG_MANDATORY_TLS;
  xmpp_conn_set_flags(m.conn, flags);
  auto jid = m.opts.resource.empty() ? m.opts.jid : m.opts.jid + "/" + m.opts.resource;
  xmpp_conn_set_jid(m.conn, jid.c_str());
  xmpp_conn_set_pass(m.conn, m.opts.password.c_str());
  if (!m.opts.ca_file.empty())
    xmpp_conn_set_cafile(m.conn, m.opts.ca_file.c_str());
  xmpp_conn_set_certfail_handler(m.conn, &impl::on_certfail);
  xmpp_conn_set_sockopt_callback(m.conn, xmpp_sockopt_cb_keepalive);
  const char* host = m.opts.host.empty() ? nullptr : m.opts.host.c_str();
  if (xmpp_connect_client(m.conn, host, m.opts.port, &impl::on_conn, &m) != XMPP_EOK) {
    m.release_pending = true;
    if (m.events.disconnected)
      m.events.disconnected(failure::unreachable, "could not start connecting to " +
                                                    (host ? m.opts.host : m.opts.jid));
    return false;
  }
  return true;
}

void xmpp_client::run_once(std::chrono::milliseconds timeout) {
  auto& m = *impl_;
  if (m.conn && !m.release_pending)
    xmpp_run_once(m.ctx.get(), static_cast<unsigned long>(timeout.count()));
  if (m.release_pending && m.conn) {
    m.release_conn();
    m.release_pending = false;
  }
}

bool xmpp_client::online() const noexcept { return impl_->is_online; }

bool xmpp_client::idle() const noexcept { return impl_->conn == nullptr; }

void xmpp_client::send(const outbound_message& msg) {
  auto& m = *impl_;
  if (!m.is_online)
    return;
  stanza_ptr s{xmpp_message_new(m.ctx.get(), "chat", msg.to.c_str(), nullptr)};
  if (!msg.body.empty() || msg.element.empty())  // (an element alone: a key transport message)
    xmpp_message_set_body(s.get(), msg.body.c_str());
  if (!msg.element.empty() && !add_encrypted(m.ctx.get(), s.get(), msg.element)) {
    m.log->error("an encrypted element to {} does not parse: the message is not sent", msg.to);
    return;
  }
  send_counted(m.conn, s.get());
}

void xmpp_client::send(const outbound_presence& p) {
  auto& m = *impl_;
  if (!m.is_online)
    return;
  stanza_ptr s{xmpp_presence_new(m.ctx.get())};
  if (!p.to.empty())
    xmpp_stanza_set_to(s.get(), p.to.c_str());
  if (!p.type.empty() && p.type != "available")
    xmpp_stanza_set_type(s.get(), p.type.c_str());
  if (!p.status.empty())
    add_text_child(m.ctx.get(), s.get(), "status", p.status);
  if (p.type.empty() || p.type == "available")
    decorate_available(m.ctx.get(), s.get(), m.opts.me);
  send_counted(m.conn, s.get());
}

void xmpp_client::send(const roster_change& r) {
  auto& m = *impl_;
  if (!m.is_online)
    return;
  auto id = "rs" + std::to_string(++m.roster_seq);
  stanza_ptr iq{xmpp_iq_new(m.ctx.get(), "set", id.c_str())};
  stanza_ptr query{xmpp_stanza_new(m.ctx.get())};
  xmpp_stanza_set_name(query.get(), "query");
  xmpp_stanza_set_ns(query.get(), ns_roster);
  stanza_ptr item{xmpp_stanza_new(m.ctx.get())};
  xmpp_stanza_set_name(item.get(), "item");
  xmpp_stanza_set_attribute(item.get(), "jid", r.jid.c_str());
  if (r.remove)
    xmpp_stanza_set_attribute(item.get(), "subscription", "remove");
  xmpp_stanza_add_child(query.get(), item.get());
  xmpp_stanza_add_child(iq.get(), query.get());
  send_counted(m.conn, iq.get());
}

void xmpp_client::send(const pep_item& item) {
  auto& m = *impl_;
  if (!m.conn || !m.is_online)
    return;
  m.publish_pep(item, false);
}

void xmpp_client::send(const pep_query& q) {
  auto& m = *impl_;
  if (!m.conn || !m.is_online)
    return;
  m.fetch_pep(q);
}

void xmpp_client::send(const software_query& q) {
  auto& m = *impl_;
  if (!m.conn || !m.is_online)
    return;
  auto id = "version" + std::to_string(++m.roster_seq);
  stanza_ptr iq{xmpp_iq_new(m.ctx.get(), "get", id.c_str())};
  xmpp_stanza_set_to(iq.get(), q.to.c_str());
  stanza_ptr query{xmpp_stanza_new(m.ctx.get())};
  xmpp_stanza_set_name(query.get(), "query");
  xmpp_stanza_set_ns(query.get(), ns_version);
  xmpp_stanza_add_child(iq.get(), query.get());
  xmpp_id_handler_add(m.conn, &impl::on_version_result, id.c_str(), impl_.get());
  send_counted(m.conn, iq.get());
}

void xmpp_client::disconnect() {
  auto& m = *impl_;
  m.closing = true;
  if (m.conn && !m.release_pending)
    xmpp_disconnect(m.conn);
}

} // namespace otrbot::xmpp
