// The libotr floor: what one lesson's cryptography costs the bot's side with libotr alone, in
// one process, no network, no actors, no lesson text: a fresh DSA key, the AKE and one SMP
// (started by the student, answered with the secret), then one encrypted line (the code).
// Also a key pair in shared DSA parameters (libgcrypt alone), and libotr's own memory for an idle student: a user state holding one key.
// Prints tab-separated rows for scripts/bench.py.
#include <CLI/CLI.hpp>

extern "C" {
#include <libotr/proto.h>
#include <libotr/instag.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>
}

#include <gcrypt.h>
#include <sys/mman.h>
// Under valgrind's callgrind (scripts/bench-instructions.py) only the bot's side is counted:
// its calls toggle the collection, which starts off; the macros do nothing otherwise.
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define OTRBOT_TOGGLE_COUNT() CALLGRIND_TOGGLE_COLLECT
#define OTRBOT_DUMP_COUNT(what) CALLGRIND_DUMP_STATS_AT(what)
#else
#define OTRBOT_TOGGLE_COUNT()
#define OTRBOT_DUMP_COUNT(what)
#endif
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* proto = "xmpp";
const char* const bot = "bot@localhost";
const char* const pupil = "s00000@localhost";
const std::string secret = "correct horse battery";

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

FILE* memfile() {
  int fd = memfd_create("floor", MFD_CLOEXEC);
  return fd < 0 ? nullptr : fdopen(fd, "w+");
}

struct side {
  const char* me;
  const char* them;
  OtrlUserState us = otrl_userstate_create();
  OtrlMessageAppOps ops{};
  std::deque<std::string>* outbox = nullptr;  // the other side's inbox
  bool secure = false, smp_asked = false, smp_ok = false;
  double cpu = 0;  // ms spent in this side's calls
  bool counted = false;  // the bot's side: its calls are what callgrind counts
  std::string last_text;

  side(const char* m, const char* t, std::deque<std::string>* out) : me(m), them(t), outbox(out) {
    ops.policy = [](void*, ConnContext*) -> OtrlPolicy {
      return OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3;
    };
    ops.is_logged_in = [](void*, const char*, const char*, const char*) { return 1; };
    ops.inject_message = [](void* op, const char*, const char*, const char*, const char* m) {
      static_cast<side*>(op)->outbox->emplace_back(m);
    };
    ops.gone_secure = [](void* op, ConnContext*) { static_cast<side*>(op)->secure = true; };
    ops.handle_smp_event = [](void* op, OtrlSMPEvent e, ConnContext*, unsigned short, char*) {
      auto* s = static_cast<side*>(op);
      if (e == OTRL_SMPEVENT_ASK_FOR_SECRET)
        s->smp_asked = true;
      if (e == OTRL_SMPEVENT_SUCCESS)
        s->smp_ok = true;
    };
    ops.create_instag = [](void* op, const char* acc, const char* p) {
      if (FILE* f = memfile()) {
        otrl_instag_generate_FILEp(static_cast<side*>(op)->us, f, acc, p);
        std::fclose(f);
      }
    };
  }
  ~side() { otrl_userstate_free(us); }

  ConnContext* ctx() {
    return otrl_context_find(us, them, me, proto, OTRL_INSTAG_BEST, 0, nullptr, nullptr, nullptr);
  }
  void toggle() {
    if (counted)
      OTRBOT_TOGGLE_COUNT();
  }
  void receive(const std::string& m) {
    toggle();
    double t = cpu_ms();
    char* plain = nullptr;
    OtrlTLV* tlvs = nullptr;
    if (!otrl_message_receiving(us, &ops, this, me, proto, them, m.c_str(), &plain, &tlvs,
                                nullptr, nullptr, nullptr) && plain)
      last_text = plain;
    otrl_message_free(plain);
    otrl_tlv_free(tlvs);
    if (smp_asked) {  // as the bot does: answer after the call, with the secret
      smp_asked = false;
      otrl_message_respond_smp(us, &ops, this, ctx(),
                               reinterpret_cast<const unsigned char*>(secret.data()),
                               secret.size());
    }
    cpu += cpu_ms() - t;
    toggle();
  }
  void send(const std::string& text) {
    toggle();
    double t = cpu_ms();
    char* out = nullptr;
    otrl_message_sending(us, &ops, this, me, proto, them, OTRL_INSTAG_BEST, text.c_str(),
                         nullptr, &out, OTRL_FRAGMENT_SEND_ALL_BUT_LAST, nullptr, nullptr,
                         nullptr);
    if (out)
      outbox->emplace_back(out);
    otrl_message_free(out);
    cpu += cpu_ms() - t;
    toggle();
  }
};

void exchange(side& a, std::deque<std::string>& to_a, side& b, std::deque<std::string>& to_b) {
  while (!to_a.empty() || !to_b.empty()) {
    if (!to_a.empty()) {
      auto m = std::move(to_a.front());
      to_a.pop_front();
      a.receive(m);
    }
    if (!to_b.empty()) {
      auto m = std::move(to_b.front());
      to_b.pop_front();
      b.receive(m);
    }
  }
}

/// One lesson; prints "F <bot key ms> <bot AKE ms> <bot SMP+code ms> <student ms>".
bool lesson(const std::string& student_key) {
  std::deque<std::string> to_bot, to_student;
  side b{bot, pupil, &to_student}, s{pupil, bot, &to_bot};
  if (otrl_privkey_read(s.us, student_key.c_str()) != 0)
    return false;
  double t = cpu_ms();
  void* handle = nullptr;
  FILE* f = memfile();
  bool keyed = f && otrl_privkey_generate_start(b.us, bot, proto, &handle) == 0 &&
               otrl_privkey_generate_calculate(handle) == 0 &&
               otrl_privkey_generate_finish_FILEp(b.us, handle, f) == 0;
  if (f)
    std::fclose(f);
  double key_ms = cpu_ms() - t;
  if (!keyed)
    return false;
  b.counted = true;  // (its key is not: the bot's come from the pool, in shared parameters)
  char* query = otrl_proto_default_query_msg(pupil, OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3);
  to_bot.emplace_back(query);
  std::free(query);
  exchange(b, to_bot, s, to_student);
  double ake_ms = b.cpu;
  if (!b.secure || !s.secure)
    return false;
  double t0 = cpu_ms();
  otrl_message_initiate_smp(s.us, &s.ops, &s, s.ctx(),
                            reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  s.cpu += cpu_ms() - t0;
  exchange(b, to_bot, s, to_student);
  if (!b.smp_ok || !s.smp_ok)
    return false;
  b.send("Here is your proof: ABCD-EFGH");
  exchange(b, to_bot, s, to_student);
  if (s.last_text.rfind("Here is your proof", 0) != 0)
    return false;
  std::cout << "F\t" << key_ms << '\t' << ake_ms << '\t' << (b.cpu - ake_ms) << '\t' << s.cpu
            << '\n';
  return true;
}

/// A key pair in given DSA domain parameters, as the bot's key pool makes them, with
/// libgcrypt alone (p, q, g from one full generation). Prints "D <ms per key>".
bool domain_keys(int n) {
  gcry_sexp_t spec = nullptr, full = nullptr;
  if (gcry_sexp_build(&spec, nullptr, "(genkey (dsa (nbits 4:1024)))") ||
      gcry_pk_genkey(&full, spec))
    return false;
  gcry_sexp_release(spec);
  gcry_sexp_t pub = gcry_sexp_find_token(full, "public-key", 0);
  gcry_mpi_t pqg[3];
  const char* names[] = {"p", "q", "g"};
  for (int i = 0; i < 3; ++i) {
    gcry_sexp_t t = gcry_sexp_find_token(pub, names[i], 0);
    pqg[i] = gcry_sexp_nth_mpi(t, 1, GCRYMPI_FMT_USG);
    gcry_sexp_release(t);
  }
  double t = cpu_ms();
  bool ok = true;
  OTRBOT_TOGGLE_COUNT();
  for (int i = 0; i < n && ok; ++i) {
    gcry_sexp_t key = nullptr;
    ok = gcry_sexp_build(&spec, nullptr,
                         "(genkey (dsa (domain (p %m) (q %m) (g %m))))", pqg[0],
                         pqg[1], pqg[2]) == 0 &&
         gcry_pk_genkey(&key, spec) == 0;
    gcry_sexp_release(spec);
    gcry_sexp_release(key);
  }
  OTRBOT_TOGGLE_COUNT();
  OTRBOT_DUMP_COUNT("domain keys");
  if (ok)
    std::cout << "D\t" << (cpu_ms() - t) / n << '\n';
  for (auto m : pqg)
    gcry_mpi_release(m);
  gcry_sexp_release(pub);
  gcry_sexp_release(full);
  return ok;
}

long rss_kib() {
  std::ifstream status{"/proc/self/status"};
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return 0;
}

/// libotr's own memory per idle student: a user state holding a key (the same key text read
/// n times: the memory is that of any key). Prints "M <bytes per student>".
bool memory(int n, const std::string& key_file) {
  std::ifstream in{key_file};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  // The key file holds the student's account: rename it to the bot's, as the bot's sessions.
  auto at = text.find(pupil);
  if (at == std::string::npos)
    return false;
  text.replace(at, std::string{pupil}.size(), bot);
  std::vector<OtrlUserState> states;
  long before = rss_kib();
  for (int i = 0; i < n; ++i) {
    OtrlUserState us = otrl_userstate_create();
    FILE* f = memfile();
    if (!f)
      return false;
    std::fwrite(text.data(), 1, text.size(), f);
    std::rewind(f);
    bool ok = otrl_privkey_read_FILEp(us, f) == 0;
    std::fclose(f);
    if (!ok)
      return false;
    states.push_back(us);
  }
  long after = rss_kib();
  std::cout << "M\t" << (after - before) * 1024.0 / n << '\n';
  for (auto us : states)
    otrl_userstate_free(us);
  return true;
}

} // namespace

int main(int argc, char** argv) {
  int lessons = 20, idle = 1000;
  std::string key;
  CLI::App app{"the libotr floor: one side's cryptography per lesson, in one process"};
  app.add_option("--lessons", lessons, "lessons to time");
  app.add_option("--idle", idle, "user states with a key, for libotr's own memory");
  int domain = 20;
  app.add_option("--domain-keys", domain, "keys in shared DSA parameters to time");
  app.add_option("--student-key", key, "a cached student key file (of s00000@localhost)")
    ->required();
  CLI11_PARSE(app, argc, argv);
  if (otrl_init(OTRL_VERSION_MAJOR, OTRL_VERSION_MINOR, OTRL_VERSION_SUB) != 0)
    return 5;
  if (access(key.c_str(), R_OK) != 0) {  // made once, as the load generator does
    OtrlUserState us = otrl_userstate_create();
    bool made = otrl_privkey_generate(us, key.c_str(), pupil, proto) == 0;
    otrl_userstate_free(us);
    if (!made) {
      std::cerr << "cannot make the student key " << key << '\n';
      return 1;
    }
  }
  for (int i = 0; i < lessons; ++i)
    if (!lesson(key)) {
      std::cerr << "the floor lesson failed\n";
      return 1;
    }
  OTRBOT_DUMP_COUNT("lessons");
  if (domain > 0 && !domain_keys(domain)) {
    std::cerr << "keys in a shared domain failed\n";
    return 1;
  }
  if (idle > 0 && !memory(idle, key)) {
    std::cerr << "the memory measure failed\n";
    return 1;
  }
  return 0;
}
