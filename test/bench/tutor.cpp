// The minimal tutor: the yardstick the lecture-hall benchmark holds otrbot against. One thread,
// one libstrophe connection, libotr and nothing else: no actors, no store, no pages, no
// lesson text beyond what a student needs. Each student gets a user state with an OTR key of
// its own, taken from keys made ahead (cached on disk, made with libotr the first time); the
// lesson is the bot's: "hello" -> Step 1 (plaintext), the AKE -> Step 3 (encrypted), the
// student's SMP answered with the secret -> the code (encrypted). Prints "# tutor online" when
// ready; runs until killed.
#include <CLI/CLI.hpp>
#include <strophe.h>

extern "C" {
#include <libotr/proto.h>  // first: the others need its types
#include <libotr/instag.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>
}

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr const char* proto = "xmpp";

struct tutor;

/// One student: its own libotr user state (holding one of the keys made ahead).
struct pupil {
  tutor* t = nullptr;
  std::string jid;
  OtrlUserState us = nullptr;
  bool greeted = false, step3_due = false, code_due = false, answer_smp = false;
  ~pupil() {
    if (us)
      otrl_userstate_free(us);
  }
};

struct tutor {
  std::string jid, secret;
  xmpp_ctx_t* ctx = nullptr;
  xmpp_conn_t* conn = nullptr;
  OtrlMessageAppOps ops{};
  std::vector<OtrlUserState> keys;  ///< made ahead; one per student, in arrival order
  std::unordered_map<std::string, std::unique_ptr<pupil>> pupils;
  unsigned codes = 0;

  void send_text(const std::string& to, const char* body) {
    xmpp_stanza_t* m = xmpp_message_new(ctx, "chat", to.c_str(), nullptr);
    xmpp_message_set_body(m, body);
    xmpp_send(conn, m);
    xmpp_stanza_release(m);
  }

  void send_encrypted(pupil& p, const std::string& text) {
    char* out = nullptr;
    if (otrl_message_sending(p.us, &ops, &p, jid.c_str(), proto, p.jid.c_str(), OTRL_INSTAG_BEST,
                             text.c_str(), nullptr, &out, OTRL_FRAGMENT_SEND_ALL_BUT_LAST,
                             nullptr, nullptr, nullptr) == 0 &&
        out)
      send_text(p.jid, out);
    otrl_message_free(out);
  }

  pupil* find_or_admit(const std::string& from) {
    auto it = pupils.find(from);
    if (it != pupils.end())
      return it->second.get();
    if (keys.empty())
      return nullptr;  // more students than keys made ahead
    auto p = std::make_unique<pupil>();
    p->t = this;
    p->jid = from;
    p->us = keys.back();
    keys.pop_back();
    return pupils.emplace(from, std::move(p)).first->second.get();
  }

  void received(pupil& p, const char* body) {
    char* plain = nullptr;
    OtrlTLV* tlvs = nullptr;
    int internal = otrl_message_receiving(p.us, &ops, &p, jid.c_str(), proto, p.jid.c_str(),
                                          body, &plain, &tlvs, nullptr, nullptr, nullptr);
    bool encrypted = plain != nullptr;
    otrl_message_free(plain);
    otrl_tlv_free(tlvs);
    // What libotr asked for is done after its call, as the bot does.
    if (p.answer_smp) {
      p.answer_smp = false;
      ConnContext* c = otrl_context_find(p.us, p.jid.c_str(), jid.c_str(), proto,
                                         OTRL_INSTAG_BEST, 0, nullptr, nullptr, nullptr);
      if (c)
        otrl_message_respond_smp(p.us, &ops, &p, c,
                                 reinterpret_cast<const unsigned char*>(secret.data()),
                                 secret.size());
    }
    if (p.step3_due) {
      p.step3_due = false;
      send_encrypted(p, "Step 3: authenticate me with the shared secret (SMP).");
    }
    if (p.code_due) {
      p.code_due = false;
      char code[32];
      std::snprintf(code, sizeof code, "%08u", ++codes * 2654435761u % 100000000u);
      send_encrypted(p, std::string{"Here is your proof: "} + code);
    }
    if (!internal && !encrypted && !p.greeted) {
      p.greeted = true;
      send_text(p.jid, "Step 1: start an OTR conversation with me.");
    }
  }

  static int on_message(xmpp_conn_t*, xmpp_stanza_t* st, void* me) {
    auto* self = static_cast<tutor*>(me);
    const char* type = xmpp_stanza_get_type(st);
    const char* from = xmpp_stanza_get_from(st);
    if (!from || (type && std::string{type} == "error"))
      return 1;
    xmpp_stanza_t* b = xmpp_stanza_get_child_by_name(st, "body");
    char* body = b ? xmpp_stanza_get_text(b) : nullptr;
    if (!body)
      return 1;
    std::string bare{from};
    bare = bare.substr(0, bare.find('/'));
    if (pupil* p = self->find_or_admit(bare))
      self->received(*p, body);
    xmpp_free(self->ctx, body);
    return 1;
  }

  static void on_connection(xmpp_conn_t* conn, xmpp_conn_event_t ev, int error,
                            xmpp_stream_error_t*, void* me) {
    auto* self = static_cast<tutor*>(me);
    if (ev != XMPP_CONN_CONNECT) {
      std::cerr << "tutor: disconnected (error " << error << ")\n";
      xmpp_stop(self->ctx);
      return;
    }
    xmpp_handler_add(conn, &tutor::on_message, nullptr, "message", nullptr, me);
    xmpp_stanza_t* p = xmpp_presence_new(self->ctx);
    xmpp_send(conn, p);
    xmpp_stanza_release(p);
    std::cout << "# tutor online" << std::endl;
  }
};

FILE* memfile() {
  int fd = memfd_create("tutor", MFD_CLOEXEC);
  return fd < 0 ? nullptr : fdopen(fd, "w+");
}

void set_ops(OtrlMessageAppOps& ops) {
  ops.policy = [](void*, ConnContext*) -> OtrlPolicy {
    return OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3;
  };
  ops.is_logged_in = [](void*, const char*, const char*, const char*) { return 1; };
  ops.inject_message = [](void* op, const char*, const char*, const char*, const char* m) {
    auto* p = static_cast<pupil*>(op);
    p->t->send_text(p->jid, m);
  };
  ops.gone_secure = [](void* op, ConnContext*) { static_cast<pupil*>(op)->step3_due = true; };
  ops.handle_smp_event = [](void* op, OtrlSMPEvent e, ConnContext*, unsigned short, char*) {
    auto* p = static_cast<pupil*>(op);
    if (e == OTRL_SMPEVENT_ASK_FOR_SECRET)
      p->answer_smp = true;
    else if (e == OTRL_SMPEVENT_SUCCESS)
      p->code_due = true;
  };
  ops.create_instag = [](void* op, const char* acc, const char* pr) {
    if (FILE* f = memfile()) {
      otrl_instag_generate_FILEp(static_cast<pupil*>(op)->us, f, acc, pr);
      std::fclose(f);
    }
  };
}

/// A user state holding key number i (made with libotr and cached the first time) and an
/// instance tag, both made ahead.
OtrlUserState key_ahead(const std::string& dir, int i, const std::string& account) {
  char name[32];
  std::snprintf(name, sizeof name, "/tutor-%05d.key", i);
  std::string file = dir + name;
  OtrlUserState us = otrl_userstate_create();
  bool ok = access(file.c_str(), R_OK) == 0
              ? otrl_privkey_read(us, file.c_str()) == 0
              : otrl_privkey_generate(us, file.c_str(), account.c_str(), proto) == 0;
  ok = ok && otrl_privkey_find(us, account.c_str(), proto) != nullptr;
  FILE* f = ok ? memfile() : nullptr;
  ok = f && otrl_instag_generate_FILEp(us, f, account.c_str(), proto) == 0;
  if (f)
    std::fclose(f);
  if (!ok) {
    otrl_userstate_free(us);
    return nullptr;
  }
  return us;
}

} // namespace

int main(int argc, char** argv) {
  tutor t;
  std::string host = "127.0.0.1", password, ca, keys;
  unsigned short port = 5222;
  int students = 100;
  CLI::App app{"the minimal single-threaded OTR tutor (a yardstick for scripts/bench.py)"};
  app.add_option("--jid", t.jid, "the tutor's JID (its account on the server)")->required();
  app.add_option("--password", password, "its password")->required();
  app.add_option("--host", host, "the server's address");
  app.add_option("--port", port, "the server's client port");
  app.add_option("--ca", ca, "the CA certificate that signed the server's")->required();
  app.add_option("--keys", keys, "where its OTR keys are cached")->required();
  app.add_option("--students", students, "how many keys to make ahead (one per student)");
  app.add_option("--secret", t.secret, "the shared secret")->required();
  CLI11_PARSE(app, argc, argv);
  if (otrl_init(OTRL_VERSION_MAJOR, OTRL_VERSION_MINOR, OTRL_VERSION_SUB) != 0)
    return 5;
  // The keys are accounts' keys for the tutor's JID: the cached files hold it.
  for (int i = 0; i < students; ++i) {
    OtrlUserState us = key_ahead(keys, i, t.jid);
    if (!us) {
      std::cerr << "tutor: cannot read or make key " << i << " in " << keys << '\n';
      return 1;
    }
    t.keys.push_back(us);
  }
  set_ops(t.ops);
  xmpp_initialize();
  t.ctx = xmpp_ctx_new(nullptr, nullptr);
  t.conn = xmpp_conn_new(t.ctx);
  xmpp_conn_set_jid(t.conn, (t.jid + "/tutor").c_str());
  xmpp_conn_set_pass(t.conn, password.c_str());
  xmpp_conn_set_cafile(t.conn, ca.c_str());
  xmpp_conn_set_flags(t.conn, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
  if (xmpp_connect_client(t.conn, host.c_str(), port, &tutor::on_connection, &t) != XMPP_EOK) {
    std::cerr << "tutor: cannot connect\n";
    return 1;
  }
  xmpp_run(t.ctx);  // until disconnected (or killed)
  t.pupils.clear();
  for (auto us : t.keys)
    otrl_userstate_free(us);
  xmpp_conn_release(t.conn);
  xmpp_ctx_free(t.ctx);
  xmpp_shutdown();
  return 1;
}
