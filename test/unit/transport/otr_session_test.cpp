// The libotr facade against a libotr peer (OTR v3 with instance tags), in memory: AKE, SMP, end.
#include "transport/otr/otr_session.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdlib>
#include <deque>

extern "C" {
#include <libotr/b64.h>
#include <libotr/instag.h>
}

using namespace otrbot::otr;

namespace {

const bool initialised = initialize();

std::shared_ptr<spdlog::logger> quiet() {
  return std::make_shared<spdlog::logger>("otr-test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

void give_key(session& s, const char* account, const key_domain* domain = nullptr) {
  auto key = make_key(account, domain);
  REQUIRE(key);
  REQUIRE(s.install_key(*key));
}

struct peer {
  session otr;
  std::vector<otrbot::otr::event> events;
  std::vector<std::string> texts;
  peer(const char* me, const char* them, const key_domain* domain = nullptr)
    : otr(me, them, quiet()) {
    give_key(otr, me, domain);
  }
};

/// Delivers everything each side sends to the other until both are quiet.
void exchange(peer& a, peer& b, outcome from_a) {
  std::deque<std::pair<bool, std::string>> wire;  // (to b?, message)
  auto queue = [&](bool to_b, outcome& o, peer& who) {
    for (auto& m : o.to_send)
      wire.emplace_back(to_b, m.body);
    who.events.insert(who.events.end(), o.events.begin(), o.events.end());
    if (o.text)
      who.texts.push_back(*o.text);
  };
  queue(true, from_a, a);
  for (int i = 0; i < 100 && !wire.empty(); ++i) {
    auto [to_b, msg] = wire.front();
    wire.pop_front();
    auto& receiver = to_b ? b : a;
    auto out = receiver.otr.receive({msg, {}});
    queue(!to_b, out, receiver);
  }
  REQUIRE(wire.empty());
}

bool saw(const peer& p, otrbot::otr::event e) {
  return std::find(p.events.begin(), p.events.end(), e) != p.events.end();
}

/// The student (b) starts OTR v3 with the query message.
void start_otr(peer& bot, peer& student) {
  outcome query;
  query.to_send.push_back({"?OTRv3?", {}});
  exchange(student, bot, query);
  REQUIRE(bot.otr.encrypted());
  REQUIRE(student.otr.encrypted());
}

} // namespace

TEST_CASE("each session has its own fresh key: a new fingerprint every time") {
  REQUIRE(initialised);
  peer a{"bot@x.org", "s@x.org"};
  peer b{"bot@x.org", "s@x.org"};
  CHECK(a.otr.fingerprint().size() == 44);
  CHECK(a.otr.fingerprint() != b.otr.fingerprint());
}

TEST_CASE("a key made apart from the session is libotr's key file for that account, and is "
          "taken only by a session of that account") {
  REQUIRE(initialised);
  auto key = make_key("bot@x.org");
  REQUIRE(key);
  CHECK(key->text().find("(privkeys") != std::string::npos);
  CHECK(key->text().find("bot@x.org") != std::string::npos);
  session other{"someone@x.org", "s@x.org", quiet()};
  CHECK_FALSE(other.install_key(*key));
  CHECK_FALSE(other.has_key());
  session mine{"bot@x.org", "s@x.org", quiet()};
  CHECK(mine.install_key(*key));
  CHECK(mine.has_key());
  CHECK(mine.fingerprint().size() == 44);
  private_key moved{std::move(*key)};
  CHECK(key->text().empty());  // moved out: one owner of the secret text
  session broken{"bot@x.org", "s@x.org", quiet()};
  CHECK_FALSE(broken.install_key(private_key{"(privkeys (account (name \"bot@x.org\")"}));
}

TEST_CASE("plaintext first: a message goes out unchanged and without a whitespace tag") {
  peer bot{"bot@x.org", "s@x.org"};
  auto out = bot.otr.send("hello");
  REQUIRE(out.to_send.size() == 1);
  CHECK(out.to_send[0].body == "hello");
  CHECK_FALSE(bot.otr.encrypted());
}

TEST_CASE("the student's OTR v3 query starts an encrypted session on both sides") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  CHECK(saw(bot, event::started));
  CHECK(bot.otr.protocol_version() == 3);
  CHECK(bot.otr.channel() == student.otr.channel());
  // What the bot sends now is encrypted, and the student reads it.
  auto out = bot.otr.send("secret lesson");
  REQUIRE_FALSE(out.to_send.empty());
  CHECK(out.to_send[0].body.rfind("?OTR:", 0) == 0);
  exchange(bot, student, out);
  CHECK(student.texts.back() == "secret lesson");
  // And the student's encrypted words come back decrypted.
  exchange(student, bot, student.otr.send("hi bot"));
  CHECK(bot.texts.back() == "hi bot");
}

TEST_CASE("the instance tag comes with the key, not at the first message, and the peer gets it") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  const auto tag = bot.otr.instance_tag();
  CHECK(tag >= OTRL_MIN_VALID_INSTAG);
  CHECK(peer{"bot@x.org", "t@x.org"}.otr.instance_tag() != tag);  // each session its own
  CHECK(bot.otr.send("hello").to_send.size() == 1);
  start_otr(bot, student);
  CHECK(bot.otr.instance_tag() == tag);  // libotr made no other
  // OTR v3 data message: version (2 bytes), type (1), the sender's instance tag (4, big-endian).
  auto out = bot.otr.send("tagged");
  REQUIRE_FALSE(out.to_send.empty());
  unsigned char* bytes = nullptr;
  std::size_t len = 0;
  REQUIRE(otrl_base64_otr_decode(out.to_send[0].body.c_str(), &bytes, &len) == 0);
  REQUIRE(len > 7);
  const std::uint32_t sent = (std::uint32_t{bytes[3]} << 24) | (std::uint32_t{bytes[4]} << 16) |
                             (std::uint32_t{bytes[5]} << 8) | bytes[6];
  free(bytes);
  CHECK(sent == tag);
  exchange(bot, student, out);
  CHECK(student.texts.back() == "tagged");
}

TEST_CASE("SMP with the same secret succeeds on both sides") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  exchange(student, bot, student.otr.start_check("purple tractor"));
  REQUIRE(saw(bot, event::check_started));
  exchange(bot, student, bot.otr.answer_check("purple tractor"));
  CHECK(saw(bot, event::check_passed));
  CHECK(saw(student, event::check_passed));
}

TEST_CASE("keys made in a shared DSA domain are fresh key pairs: each its own fingerprint, "
          "and the whole AKE and SMP work with them") {
  auto domain = key_domain::make();
  REQUIRE(domain);
  peer one{"bot@x.org", "s@x.org", &*domain};
  peer bot{"bot@x.org", "s@x.org", &*domain};
  CHECK(one.otr.fingerprint() != bot.otr.fingerprint());
  auto a = make_key("bot@x.org", &*domain);
  auto b = make_key("bot@x.org", &*domain);
  REQUIRE((a && b));
  CHECK(a->text() != b->text());
  CHECK(a->text().find("(private-key") != std::string::npos);
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  CHECK(saw(bot, event::started));
  exchange(student, bot, student.otr.start_check("purple tractor"));
  exchange(bot, student, bot.otr.answer_check("purple tractor"));
  CHECK(saw(bot, event::check_passed));
  CHECK(saw(student, event::check_passed));
  // The student's client shows the key this session installed.
  CHECK_FALSE(bot.otr.fingerprint().empty());
}

TEST_CASE("SMP with another secret fails on both sides") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  exchange(student, bot, student.otr.start_check("purple tractor"));
  exchange(bot, student, bot.otr.answer_check("green tractor"));
  CHECK(saw(bot, event::check_failed));
  CHECK_FALSE(saw(bot, event::check_passed));
}

TEST_CASE("SMP started by the bot, and SMP aborted by the student") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  exchange(bot, student, bot.otr.start_check("purple tractor"));
  REQUIRE(saw(student, event::check_started));
  exchange(student, bot, student.otr.abort_check());
  CHECK(saw(bot, event::check_aborted));
}

TEST_CASE("private content goes only over the session it was meant for") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  bool sent = true;
  CHECK(bot.otr.send_private("CODE", "", sent).to_send.empty());
  CHECK_FALSE(sent);
  start_otr(bot, student);
  auto sid = bot.otr.channel();
  exchange(bot, student, bot.otr.send_private("CODE-1234", sid, sent));
  CHECK(sent);
  CHECK(student.texts.back() == "CODE-1234");
  CHECK(bot.otr.send_private("CODE", "another-session", sent).to_send.empty());
  CHECK_FALSE(sent);
}

TEST_CASE("the student ending OTR: the bot sees otr_disabled and speaks plaintext again") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  exchange(student, bot, student.otr.end(true));
  CHECK(saw(bot, event::ended));
  CHECK_FALSE(bot.otr.encrypted());
  auto out = bot.otr.send("back in plaintext");
  REQUIRE(out.to_send.size() == 1);
  CHECK(out.to_send[0].body == "back in plaintext");
  // ... and the student can start OTR again.
  start_otr(bot, student);
}

TEST_CASE("a plaintext message during OTR is reported as such") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  auto out = bot.otr.receive({"I lost my OTR session", {}});
  CHECK(out.plaintext_during_encryption);
  REQUIRE(out.text);
  CHECK(*out.text == "I lost my OTR session");
}

TEST_CASE("a malformed OTR message is survived") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  bot.otr.receive({"?OTR:AAMDbroken!!!.", {}});
  bot.otr.receive({"?OTR|00000000|00000000,00001,00002,half,", {}});
  CHECK(bot.otr.encrypted());
  exchange(student, bot, student.otr.send("still here"));
  CHECK(bot.texts.back() == "still here");
}

TEST_CASE("the bot ending OTR sends a disconnect and returns to plaintext") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  auto out = bot.otr.end(true);
  CHECK(std::find(out.events.begin(), out.events.end(), event::ended) != out.events.end());
  CHECK_FALSE(bot.otr.encrypted());
  exchange(bot, student, out);
  CHECK(saw(student, event::ended));
}

TEST_CASE("long messages are fragmented to fit XMPP servers and reassembled by the peer") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  std::string text(40'000, 'y');
  auto out = bot.otr.send(text);
  CHECK(out.to_send.size() >= 3);
  for (const auto& [fragment, element] : out.to_send)
    CHECK(fragment.size() <= 16 * 1024);
  exchange(bot, student, out);
  CHECK(student.texts.back() == text);
}

TEST_CASE("libotr's timer is requested once OTR runs, and polling is harmless") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  CHECK(bot.otr.poll_interval() > 0);
  auto out = bot.otr.poll();
  CHECK(out.to_send.empty());
  CHECK(bot.otr.encrypted());
}

TEST_CASE("ending OTR quietly sends nothing") {
  peer bot{"bot@x.org", "s@x.org"};
  peer student{"s@x.org", "bot@x.org"};
  start_otr(bot, student);
  auto out = bot.otr.end(false);
  CHECK(out.to_send.empty());
  CHECK(std::find(out.events.begin(), out.events.end(), event::ended) != out.events.end());
  CHECK_FALSE(bot.otr.encrypted());
}
