// The OMEMO conversation behind the seam: the two halves of its check (the student trusts the
// real device and not the decoy; the bot knows the student's device by the fingerprint typed on
// the page), and the code going to that one device alone. The student's devices are libomemo-c
// devices in memory (python-oldmemo plays them in omemo_interop.py and the lessons).
#include "transport/omemo/omemo_conversation.hpp"
#include "transport/omemo/own_device.hpp"
#include "transport/omemo/peer_cipher.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

using namespace otrbot;
using namespace otrbot::omemo;
using e2e::event;

namespace {

constexpr auto bot_jid = "bot@example.org";
constexpr auto student_jid = "student@example.org";

struct device {
  std::shared_ptr<own_device> own = own_device::generate();
  peer_cipher cipher;
  explicit device(const own_device& bot, const own_device& decoy) : cipher(own, bot_jid) {
    std::string why;
    REQUIRE(cipher.start_session(bot.id(), bot.published(), why));
    REQUIRE(cipher.start_session(decoy.id(), decoy.published(), why));
  }
  /// A message to the listed devices of the bot.
  e2e::wire says(std::string_view text, std::vector<std::uint32_t> to) {
    std::vector<std::uint32_t> skipped;
    auto e = cipher.seal(text, to, skipped);
    REQUIRE(e);
    return {"fallback", render(*e)};
  }
  std::optional<std::string> reads(const e2e::wire& w) {
    std::string why;
    auto e = parse_encrypted(w.element, why);
    REQUIRE(e);
    auto got = cipher.open(*e, why);
    return got ? got->text : std::nullopt;
  }
};

struct setup {
  std::shared_ptr<own_device> bot = own_device::generate();
  std::shared_ptr<own_device> decoy = own_device::generate();
  conversation chat{bot, decoy->id(), student_jid, {},
                    std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>())};
  device phone{*bot, *decoy};
  std::vector<std::uint32_t> both() const { return {bot->id(), decoy->id()}; }
  std::vector<std::uint32_t> real() const { return {bot->id()}; }
};

/// The fingerprint as Profanity prints it: upper case in groups with dashes.
std::string as_typed(const fingerprint& fp) {
  std::string out;
  for (std::size_t i = 0; i < fp.hex().size(); ++i) {
    if (i > 0 && i % 8 == 0)
      out += '-';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(fp.hex()[i])));
  }
  return out;
}

} // namespace

TEST_CASE("plaintext is the student's words; an encrypted message wins over its fallback body") {
  setup s;
  auto plain = s.chat.receive({"hello", {}});
  CHECK(plain.text == "hello");
  CHECK(plain.events.empty());
  CHECK_FALSE(plain.plaintext_during_encryption);
  CHECK(s.chat.send("welcome").to_send == std::vector<e2e::wire>{{"welcome", {}}});

  auto first = s.chat.receive(s.phone.says("hi, encrypted", s.both()));
  CHECK(first.text == "hi, encrypted");
  CHECK(first.events == std::vector<event>{event::started, event::check_aborted});
  CHECK(s.chat.encrypted());
  CHECK(s.chat.channel().empty());

  auto reply = s.chat.send("I read you");
  REQUIRE(reply.to_send.size() == 1);
  CHECK(reply.to_send[0].body == conversation::fallback);
  CHECK(s.phone.reads(reply.to_send[0]) == "I read you");

  SECTION("plaintext while encrypted: the student's program left OMEMO") {
    auto out = s.chat.receive({"oops", {}});
    CHECK(out.plaintext_during_encryption);
    CHECK(s.chat.end(false).events == std::vector<event>{event::ended});
    CHECK_FALSE(s.chat.encrypted());
  }
  SECTION("a malformed element is dropped, not read as words") {
    auto out = s.chat.receive({"fallback", "<encrypted xmlns='eu.siacs.conversations.axolotl'/>"});
    CHECK_FALSE(out.text);
    CHECK(out.events.empty());
  }
}

TEST_CASE("both halves of the check, in either order, verify one device") {
  setup s;
  REQUIRE(s.chat.receive(s.phone.says("one", s.both())).text == "one");

  const bool fingerprint_first = GENERATE(true, false);
  if (fingerprint_first) {
    auto typed = s.chat.start_check(as_typed(s.phone.own->fp()));
    CHECK(typed.events == std::vector<event>{event::check_started});
    CHECK(s.chat.channel().empty());
    auto next = s.chat.receive(s.phone.says("two", s.real()));
    CHECK(next.events == std::vector<event>{event::check_passed});
  } else {  // the decoy switched off first, then the fingerprint
    CHECK(s.chat.receive(s.phone.says("two", s.real())).events.empty());
    auto typed = s.chat.start_check(s.phone.own->fp().grouped());
    CHECK(typed.events == std::vector<event>{event::check_passed});
  }
  const auto channel = s.chat.channel();
  CHECK(channel == "omemo:" + std::to_string(s.phone.own->id()) + ":" + s.phone.own->fp().hex());

  bool sent = false;
  auto code = s.chat.send_private("CODE-1234", channel, sent);
  CHECK(sent);
  REQUIRE(code.to_send.size() == 1);
  CHECK(s.phone.reads(code.to_send[0]) == "CODE-1234");

  SECTION("trusting the decoy again is noticed, and the channel is gone") {
    CHECK(s.chat.receive(s.phone.says("three", s.both())).events ==
          std::vector<event>{event::check_aborted});
    CHECK(s.chat.channel().empty());
    CHECK(s.chat.send_private("CODE", channel, sent).to_send.empty());
    CHECK_FALSE(sent);
  }
  SECTION("after the end nothing private goes out") {
    s.chat.end(true);
    CHECK(s.chat.send_private("CODE", channel, sent).to_send.empty());
    CHECK_FALSE(sent);
  }
}

TEST_CASE("a fingerprint of no device that wrote is refused; the code never reaches a device injected by the server") {
  setup s;
  device mallory{*s.bot, *s.decoy};  // a device the server added to the student's account
  REQUIRE(s.chat.receive(s.phone.says("from the phone", s.real())).text);
  REQUIRE(s.chat.receive(mallory.says("from mallory", s.real())).text);

  auto other = own_device::generate();
  CHECK(s.chat.start_check(other->fp().hex()).events == std::vector<event>{event::check_failed});
  CHECK(s.chat.start_check("not a fingerprint").events == std::vector<event>{event::check_failed});
  CHECK(s.chat.channel().empty());

  auto typed = s.chat.start_check(s.phone.own->fp().hex());
  CHECK(typed.events == std::vector<event>{event::check_passed});
  bool sent = false;
  auto code = s.chat.send_private("CODE-9", s.chat.channel(), sent);
  REQUIRE(sent);
  std::string why;
  auto e = parse_encrypted(code.to_send[0].element, why);
  REQUIRE(e);
  REQUIRE(e->keys.size() == 1);
  CHECK(e->keys[0].rid == s.phone.own->id());
  CHECK(s.phone.reads(code.to_send[0]) == "CODE-9");
  CHECK_FALSE(mallory.reads(code.to_send[0]));

  SECTION("ordinary lines go to every device that wrote") {
    auto line = s.chat.send("hello both");
    CHECK(s.phone.reads(line.to_send[0]) == "hello both");
    CHECK(mallory.reads(line.to_send[0]) == "hello both");
  }
}

TEST_CASE("a message the student's program did not encrypt to the bot's device is told apart") {
  setup s;
  auto out = s.chat.receive(s.phone.says("only the decoy", {s.decoy->id()}));
  CHECK(out.events == std::vector<event>{event::check_question});
  CHECK_FALSE(out.text);
  CHECK_FALSE(s.chat.encrypted());
}

TEST_CASE("the devices the student's account lists read along; the code still goes to one") {
  setup s;
  device laptop{*s.bot, *s.decoy};   // the student's other device: it never writes
  device mallory{*s.bot, *s.decoy};  // one the server added to the list, with its own bundle
  auto first = s.chat.receive(s.phone.says("from the phone", s.real()));
  REQUIRE(first.events == std::vector<event>{event::started});
  REQUIRE(first.lookups == std::vector<std::string>{std::string{devicelist_node}});
  // Nothing more is asked while encryption stays on.
  CHECK(s.chat.receive(s.phone.says("again", s.real())).lookups.empty());

  auto list = s.chat.found(std::string{devicelist_node},
                           render_device_list({s.phone.own->id(), laptop.own->id(), mallory.own->id()}));
  std::vector<std::string> asked{bundle_node(laptop.own->id()), bundle_node(mallory.own->id())};
  std::sort(asked.begin(), asked.end());
  std::sort(list.lookups.begin(), list.lookups.end());
  CHECK(list.lookups == asked);  // the phone wrote: its session exists, its bundle is not needed

  // A bundle nobody asked for, or one that is not a bundle, builds nothing.
  auto stranger = own_device::generate();
  CHECK(s.chat.found(bundle_node(stranger->id()), render(stranger->published())).to_send.empty());
  CHECK(s.chat.found(bundle_node(laptop.own->id()), "<bundle/>").to_send.empty());
  CHECK(s.chat.found(bundle_node(laptop.own->id()), render(laptop.own->published())).to_send.empty());
  CHECK(s.chat.found(bundle_node(mallory.own->id()), render(mallory.own->published())).to_send.empty());

  auto line = s.chat.send("hello, all your devices");
  REQUIRE(line.to_send.size() == 1);
  std::string why;
  auto e = parse_encrypted(line.to_send[0].element, why);
  REQUIRE(e);
  CHECK(e->keys.size() == 3);
  CHECK_FALSE(std::any_of(e->keys.begin(), e->keys.end(),
                          [&](const auto& k) { return k.rid == stranger->id(); }));
  CHECK(s.phone.reads(line.to_send[0]) == "hello, all your devices");
  CHECK(laptop.reads(line.to_send[0]) == "hello, all your devices");
  CHECK(mallory.reads(line.to_send[0]) == "hello, all your devices");

  // The injected device never wrote: its fingerprint is no proof. The phone's is.
  CHECK(s.chat.start_check(mallory.own->fp().hex()).events == std::vector<event>{event::check_failed});
  CHECK(s.chat.start_check(laptop.own->fp().hex()).events == std::vector<event>{event::check_failed});
  REQUIRE(s.chat.start_check(s.phone.own->fp().hex()).events == std::vector<event>{event::check_passed});
  bool sent = false;
  auto code = s.chat.send_private("CODE-7", s.chat.channel(), sent);
  REQUIRE(sent);
  CHECK(s.phone.reads(code.to_send[0]) == "CODE-7");
  CHECK_FALSE(laptop.reads(code.to_send[0]));
  CHECK_FALSE(mallory.reads(code.to_send[0]));

  // The injected device writes: read, told apart; the verified channel stays the phone's.
  auto from_mallory = s.chat.receive(mallory.says("it is me, send the code again", s.real()));
  CHECK(from_mallory.text == "it is me, send the code again");
  CHECK(from_mallory.events == std::vector<event>{event::other_device});
  CHECK(s.chat.channel() == "omemo:" + std::to_string(s.phone.own->id()) + ":" + s.phone.own->fp().hex());
  CHECK(s.chat.receive(s.phone.says("from the phone again", s.real())).events.empty());
}

TEST_CASE("no device list (as Profanity on Prosody 0.12 publishes none): the devices that wrote read") {
  setup s;
  REQUIRE(s.chat.receive(s.phone.says("hi", s.real())).text);
  CHECK(s.chat.found(std::string{devicelist_node}, "").lookups.empty());
  CHECK(s.chat.found(std::string{devicelist_node}, "<list xmlns='x'/>").lookups.empty());
  auto line = s.chat.send("still readable");
  REQUIRE(line.to_send.size() == 1);
  CHECK(s.phone.reads(line.to_send[0]) == "still readable");
}

TEST_CASE("a key transport message moves the session on and says nothing of trust") {
  // Gajim sends one to each device it builds a session with (the decoy alone first) before the
  // student's first words: neither is the student's words, nor a sign of what their program
  // trusts.
  setup s;
  auto transport = [&](std::vector<std::uint32_t> to) {
    std::vector<std::uint32_t> skipped;
    auto e = s.phone.cipher.seal("", to, skipped);
    REQUIRE(e);
    e->payload.reset();
    return e2e::wire{"", render(*e)};
  };
  auto to_decoy = s.chat.receive(transport({s.decoy->id()}));
  CHECK(to_decoy.events.empty());
  CHECK_FALSE(to_decoy.text);
  auto to_real = s.chat.receive(transport(s.real()));
  CHECK(to_real.events.empty());
  CHECK_FALSE(to_real.text);
  CHECK_FALSE(s.chat.encrypted());
  // The student's first words, to both devices as a blind-trusting program sends them.
  auto first = s.chat.receive(s.phone.says("hello", s.both()));
  CHECK(first.text == "hello");
  CHECK(first.events == (std::vector<event>{event::started, event::check_aborted}));
  // Once the check holds, a key transport to the real device alone does not complete it.
  s.chat.start_check(s.phone.own->fp().hex());
  CHECK(s.chat.receive(transport(s.real())).events.empty());
  CHECK(s.chat.channel().empty());
}

TEST_CASE("out of step (the bot lost its latest state): a new session from the bundle, announced") {
  setup s;
  REQUIRE(s.chat.receive(s.phone.says("one", s.real())).text);
  REQUIRE(s.phone.reads(s.chat.send("reply").to_send[0]) == "reply");
  auto two = s.phone.says("two", s.real());  // a new ratchet key of the phone's
  const auto before = s.chat.record();  // what a kill -9 leaves: the state before it
  REQUIRE(s.chat.receive(two).text);     // the bot answers with a new ratchet key of its own
  REQUIRE(s.phone.reads(s.chat.send("reply 2").to_send[0]) == "reply 2");

  conversation restarted{s.bot, s.decoy->id(), student_jid, before,
                         std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>())};
  auto lost = restarted.receive(s.phone.says("three", s.real()));
  CHECK_FALSE(lost.text);
  CHECK(lost.events.empty());
  REQUIRE(lost.lookups == std::vector<std::string>{bundle_node(s.phone.own->id())});
  // Asked once while the bundle is on its way.
  CHECK(restarted.receive(s.phone.says("three again", s.real())).lookups.empty());

  auto repaired = restarted.found(bundle_node(s.phone.own->id()), render(s.phone.own->published()));
  CHECK(repaired.events == std::vector<event>{event::unreadable});
  REQUIRE(repaired.to_send.size() == 1);
  CHECK(repaired.to_send[0].body.empty());  // a key transport message: nothing to show
  std::string why;
  auto transport = parse_encrypted(repaired.to_send[0].element, why);
  REQUIRE(transport);
  CHECK_FALSE(transport->payload);
  CHECK(transport->keys.size() == 1);
  CHECK_FALSE(s.phone.reads(repaired.to_send[0]));  // read: the phone takes the new session

  auto again = restarted.receive(s.phone.says("four", s.real()));
  CHECK(again.text == "four");
  auto line = restarted.send("back in step");
  REQUIRE(line.to_send.size() == 1);
  CHECK(s.phone.reads(line.to_send[0]) == "back in step");
}

TEST_CASE("a message that does not decrypt never lets another identity take over a verified device") {
  // The server sends garbage in the name of the student's verified device and swaps that
  // device's bundle for one of its own: the bot keeps the device's session and its code channel.
  setup s;
  REQUIRE(s.chat.receive(s.phone.says("hello", s.real())).text);
  REQUIRE(s.chat.start_check(s.phone.own->fp().hex()).events == std::vector<event>{event::check_passed});
  const auto channel = s.chat.channel();

  std::string why;
  auto forged = parse_encrypted(s.phone.says("x", s.real()).element, why);
  REQUIRE(forged);
  forged->keys[0].data[forged->keys[0].data.size() / 2] ^= 0x55;  // does not decrypt
  auto lost = s.chat.receive({"", render(*forged)});
  REQUIRE(lost.lookups == std::vector<std::string>{bundle_node(s.phone.own->id())});

  auto mallory = own_device::generate();
  auto swapped = s.chat.found(bundle_node(s.phone.own->id()), render(mallory->published()));
  CHECK(swapped.to_send.empty());
  CHECK(swapped.events.empty());
  CHECK(s.chat.channel() == channel);
  bool sent = false;
  auto code = s.chat.send_private("CODE-5", s.chat.channel(), sent);
  REQUIRE(sent);
  CHECK(s.phone.reads(code.to_send[0]) == "CODE-5");
}
