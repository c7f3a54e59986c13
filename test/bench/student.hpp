// One simulated student for the lecture-hall benchmark: a libstrophe connection and a libotr
// user state of its own, going through the whole lesson as a person with an OTR client would.
#pragma once

#include <strophe.h>

extern "C" {
#include <libotr/proto.h>
#include <libotr/message.h>
#include <libotr/userstate.h>
}

#include <cstdint>
#include <string>

namespace bench {

/// Milliseconds on CLOCK_MONOTONIC (shared by every process of the machine).
double now_ms();

/// What one student's lesson gave: times in ms from the student's start (0: not reached).
struct result {
  std::string jid;
  std::string failure;  ///< empty: completed
  double connected = 0, hello = 0, first_reply = 0, query = 0, encrypted = 0, smp_start = 0,
         smp_done = 0, code = 0;
};

struct student_settings {
  std::string jid, password, bot;  ///< bot: the bot's bare JID
  std::string host;                ///< where Prosody listens
  unsigned short port = 0;
  std::string ca_file;
  std::string key_file;  ///< the student's OTR key, made once and cached
  std::string secret;    ///< the shared secret the bot knows (default_secret)
  bool idle = false;     ///< only come online (presence), say nothing
};

class student {
public:
  student(xmpp_ctx_t* ctx, student_settings s);
  ~student();
  student(const student&) = delete;
  student& operator=(const student&) = delete;

  /// Loads the cached key (making and caching it the first time): false on failure.
  bool prepare();
  /// Connects now; start_ms is the moment counted as 0.
  void start(double start_ms);
  /// After a failed login: connects again from scratch (as a client would), keeping the
  /// original start time. Returns false when it did not fail at login.
  bool retry_login();
  /// Fails the student with this reason unless done (a deadline passed).
  void give_up(const std::string& why);
  void disconnect();

  bool started() const noexcept { return started_; }
  bool finished() const noexcept { return done_ || !res_.failure.empty(); }
  bool online() const noexcept { return online_; }
  bool connected() const noexcept { return conn_ != nullptr && xmpp_conn_is_connected(conn_); }
  const result& outcome() const noexcept { return res_; }
  /// The step the student is waiting for (for failures).
  const char* waiting_for() const noexcept;

private:
  static void on_connection(xmpp_conn_t*, xmpp_conn_event_t, int, xmpp_stream_error_t*, void*);
  static int on_message(xmpp_conn_t*, xmpp_stanza_t*, void*);
  static int on_presence(xmpp_conn_t*, xmpp_stanza_t*, void*);
  void send_chat(const char* body);
  void send_presence(const char* to, const char* type);
  void fail(const std::string& why);
  void text_from_bot(const std::string& text, bool encrypted);
  double since_start() const { return now_ms() - start_ms_; }

  // libotr callbacks (opdata = this)
  static OtrlPolicy policy(void*, ConnContext*);
  static void inject(void*, const char*, const char*, const char*, const char*);
  static void gone_secure(void*, ConnContext*);
  static void smp_event(void*, OtrlSMPEvent, ConnContext*, unsigned short, char*);
  static void instag(void*, const char*, const char*);
  static int logged_in(void*, const char*, const char*, const char*) { return 1; }

  xmpp_ctx_t* ctx_;
  student_settings s_;
  xmpp_conn_t* conn_ = nullptr;
  OtrlUserState us_ = nullptr;
  OtrlMessageAppOps ops_{};
  result res_;
  double start_ms_ = 0;
  bool started_ = false, online_ = false, done_ = false, smp_asked_ = false;
};

} // namespace bench
