// One simulated student: connect, hello, start OTR, authenticate with SMP, receive the code.
#include "test/bench/student.hpp"

extern "C" {
#include <libotr/instag.h>
#include <libotr/privkey.h>
}

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace bench {

double now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

namespace {

constexpr const char* protocol = "xmpp";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string bare(const char* jid) {
  std::string s = jid ? jid : "";
  return s.substr(0, s.find('/'));
}

} // namespace

student::student(xmpp_ctx_t* ctx, student_settings s) : ctx_(ctx), s_(std::move(s)) {
  res_.jid = s_.jid;
  us_ = otrl_userstate_create();
  ops_.policy = &student::policy;
  ops_.is_logged_in = &student::logged_in;
  ops_.inject_message = &student::inject;
  ops_.gone_secure = &student::gone_secure;
  ops_.handle_smp_event = &student::smp_event;
  ops_.create_instag = &student::instag;
}

student::~student() {
  if (conn_)
    xmpp_conn_release(conn_);
  otrl_userstate_free(us_);
}

bool student::prepare() {
  if (std::filesystem::exists(s_.key_file))
    return otrl_privkey_read(us_, s_.key_file.c_str()) == 0 &&
           otrl_privkey_find(us_, s_.jid.c_str(), protocol) != nullptr;
  return otrl_privkey_generate(us_, s_.key_file.c_str(), s_.jid.c_str(), protocol) == 0;
}

void student::start(double start_ms) {
  start_ms_ = start_ms;
  started_ = true;
  conn_ = xmpp_conn_new(ctx_);
  xmpp_conn_set_jid(conn_, s_.jid.c_str());
  xmpp_conn_set_pass(conn_, s_.password.c_str());
  xmpp_conn_set_cafile(conn_, s_.ca_file.c_str());
  xmpp_conn_set_flags(conn_, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
  if (xmpp_connect_client(conn_, s_.host.c_str(), s_.port, &student::on_connection, this) !=
      XMPP_EOK)
    fail("cannot connect");
}

bool student::retry_login() {
  if (res_.connected || res_.failure.rfind("login failed", 0) != 0)
    return false;
  res_.failure.clear();
  if (conn_)
    xmpp_conn_release(conn_);
  conn_ = nullptr;
  start(start_ms_);
  return true;
}

void student::give_up(const std::string& why) {
  if (!finished())
    fail(why);
}

void student::disconnect() {
  if (conn_ && xmpp_conn_is_connected(conn_))
    xmpp_disconnect(conn_);
}

const char* student::waiting_for() const noexcept {
  if (!res_.connected) return "login";
  if (s_.idle) return "nothing (idle)";
  if (!res_.first_reply) return "the first reply";
  if (!res_.query) return "Step 1";
  if (!res_.encrypted) return "OTR encryption";
  if (!res_.smp_start) return "Step 3 (authenticate)";
  if (!res_.smp_done) return "SMP to succeed";
  return "the code";
}

void student::fail(const std::string& why) {
  if (res_.failure.empty() && !done_)
    res_.failure = why;
}

void student::send_chat(const char* body) {
  xmpp_stanza_t* m = xmpp_message_new(ctx_, "chat", s_.bot.c_str(), nullptr);
  xmpp_message_set_body(m, body);
  xmpp_send(conn_, m);
  xmpp_stanza_release(m);
}

void student::send_presence(const char* to, const char* type) {
  xmpp_stanza_t* p = xmpp_presence_new(ctx_);
  if (to)
    xmpp_stanza_set_to(p, to);
  if (type)
    xmpp_stanza_set_type(p, type);
  xmpp_send(conn_, p);
  xmpp_stanza_release(p);
}

void student::on_connection(xmpp_conn_t* conn, xmpp_conn_event_t ev, int error,
                            xmpp_stream_error_t*, void* me) {
  auto* self = static_cast<student*>(me);
  if (ev != XMPP_CONN_CONNECT) {
    self->online_ = false;
    if (!self->finished())
      self->fail(self->res_.connected ? "disconnected (error " + std::to_string(error) + ")"
                                      : "login failed (error " + std::to_string(error) + ")");
    return;
  }
  self->res_.connected = self->since_start();
  xmpp_handler_add(conn, &student::on_message, nullptr, "message", nullptr, me);
  xmpp_handler_add(conn, &student::on_presence, nullptr, "presence", nullptr, me);
  self->send_presence(nullptr, nullptr);             // online, as any client
  self->send_presence(self->s_.bot.c_str(), nullptr);  // and to the bot, subscribed or not yet
  self->online_ = true;
  if (self->s_.idle) {
    self->done_ = true;  // all an idle student does
    return;
  }
  self->res_.hello = self->since_start();
  self->send_chat("hello");
}

int student::on_presence(xmpp_conn_t*, xmpp_stanza_t* st, void* me) {
  auto* self = static_cast<student*>(me);
  const char* type = xmpp_stanza_get_type(st);
  if (type && std::string{type} == "subscribe" && bare(xmpp_stanza_get_from(st)) == self->s_.bot)
    self->send_presence(self->s_.bot.c_str(), "subscribed");
  return 1;
}

int student::on_message(xmpp_conn_t*, xmpp_stanza_t* st, void* me) {
  auto* self = static_cast<student*>(me);
  if (bare(xmpp_stanza_get_from(st)) != self->s_.bot)
    return 1;
  const char* type = xmpp_stanza_get_type(st);
  if (type && std::string{type} == "error") {
    self->fail("the server returned a message as an error");
    return 1;
  }
  char* body = nullptr;
  if (xmpp_stanza_t* b = xmpp_stanza_get_child_by_name(st, "body"))
    body = xmpp_stanza_get_text(b);
  if (!body)
    return 1;
  char* plain = nullptr;
  OtrlTLV* tlvs = nullptr;
  int internal = otrl_message_receiving(self->us_, &self->ops_, self, self->s_.jid.c_str(),
                                        protocol, self->s_.bot.c_str(), body, &plain, &tlvs,
                                        nullptr, nullptr, nullptr);
  if (!internal)
    self->text_from_bot(plain ? plain : body, plain != nullptr);
  otrl_message_free(plain);
  otrl_tlv_free(tlvs);
  xmpp_free(self->ctx_, body);
  return 1;
}

void student::text_from_bot(const std::string& text, bool encrypted) {
  if (!res_.first_reply)
    res_.first_reply = since_start();
  if (!res_.query && starts_with(text, "Step 1")) {
    char* query = otrl_proto_default_query_msg(s_.jid.c_str(), policy(nullptr, nullptr));
    res_.query = since_start();
    send_chat(query);
    std::free(query);
  } else if (encrypted && !res_.smp_start && starts_with(text, "Step 3")) {
    ConnContext* c = otrl_context_find(us_, s_.bot.c_str(), s_.jid.c_str(), protocol,
                                       OTRL_INSTAG_BEST, 0, nullptr, nullptr, nullptr);
    if (!c) {
      fail("no OTR context for Step 3");
      return;
    }
    res_.smp_start = since_start();
    otrl_message_initiate_smp(us_, &ops_, this, c,
                              reinterpret_cast<const unsigned char*>(s_.secret.data()),
                              s_.secret.size());
  } else if (encrypted && starts_with(text, "Here is your proof")) {
    if (!res_.smp_done)
      fail("the code came before SMP succeeded");
    res_.code = since_start();
    done_ = res_.failure.empty();
  }
}

OtrlPolicy student::policy(void*, ConnContext*) {
  return OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3;
}

void student::inject(void* me, const char*, const char*, const char*, const char* message) {
  static_cast<student*>(me)->send_chat(message);
}

void student::gone_secure(void* me, ConnContext*) {
  auto* self = static_cast<student*>(me);
  if (!self->res_.encrypted)
    self->res_.encrypted = self->since_start();
}

void student::smp_event(void* me, OtrlSMPEvent ev, ConnContext* c, unsigned short, char*) {
  auto* self = static_cast<student*>(me);
  switch (ev) {
    case OTRL_SMPEVENT_ASK_FOR_SECRET:  // the bot started SMP (may_start_smp)
      if (!self->res_.smp_start)
        self->res_.smp_start = self->since_start();
      otrl_message_respond_smp(self->us_, &self->ops_, me, c,
                               reinterpret_cast<const unsigned char*>(self->s_.secret.data()),
                               self->s_.secret.size());
      break;
    case OTRL_SMPEVENT_SUCCESS: self->res_.smp_done = self->since_start(); break;
    case OTRL_SMPEVENT_FAILURE: self->fail("SMP failed"); break;
    case OTRL_SMPEVENT_ABORT: self->fail("SMP aborted"); break;
    case OTRL_SMPEVENT_CHEATED:
    case OTRL_SMPEVENT_ERROR: self->fail("SMP error"); break;
    default: break;
  }
}

void student::instag(void* me, const char* account, const char* proto) {
  int fd = memfd_create("bench-instag", MFD_CLOEXEC);
  if (fd < 0)
    return;
  if (FILE* f = fdopen(fd, "w+")) {
    otrl_instag_generate_FILEp(static_cast<student*>(me)->us_, f, account, proto);
    std::fclose(f);
  } else {
    close(fd);
  }
}

} // namespace bench
