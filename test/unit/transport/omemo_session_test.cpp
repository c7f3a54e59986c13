// The bot's OMEMO device and its Signal sessions with a student's devices, through libomemo-c,
// against a second libomemo-c device in memory (the python-oldmemo student of test/e2e is the
// independent peer; this pins what the bot's own code decides).
#include "transport/omemo/own_device.hpp"
#include "transport/omemo/peer_cipher.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace otrbot::omemo;

namespace {

constexpr auto bot_jid = "bot@example.org";
constexpr auto student_jid = "student@example.org";

struct pair_of_devices {
  std::shared_ptr<own_device> bot = own_device::generate();
  std::shared_ptr<own_device> phone = own_device::generate();
  peer_cipher bot_side{bot, student_jid};
  peer_cipher phone_side{phone, bot_jid};
};

encrypted from_phone(pair_of_devices& p, std::string_view text) {
  std::vector<std::uint32_t> skipped;
  auto e = p.phone_side.seal(text, {p.bot->id()}, skipped);
  REQUIRE(e);
  REQUIRE(skipped.empty());
  return *e;
}

} // namespace

TEST_CASE("a device has a 31-bit id, a fingerprint and a bundle of 100 prekeys") {
  auto d = own_device::generate();
  CHECK(d->id() >= 1);
  CHECK(d->id() <= 0x7fffffffU);
  CHECK(d->fp().hex().size() == 64);
  const bundle b = d->published();
  CHECK(b.prekeys.size() == own_device::prekey_count);
  CHECK(b.identity_key.size() == 33);
  CHECK(b.signed_prekey.size() == 33);
  CHECK(b.signed_prekey_signature.size() == 64);
  CHECK(fingerprint::of_key(b.identity_key) == d->fp());
  CHECK(own_device::generate(4242)->id() == 4242);
}

TEST_CASE("a student's first message builds the session and is read with its device's identity") {
  pair_of_devices p;
  std::string why;
  REQUIRE(p.phone_side.start_session(p.bot->id(), p.bot->published(), why));
  const encrypted e = from_phone(p, "hello bot");
  REQUIRE(e.keys.size() == 1);
  CHECK(e.keys[0].prekey);
  CHECK(e.iv.size() == 12);

  auto got = p.bot_side.open(e, why);
  INFO(why);
  REQUIRE(got);
  CHECK(got->text == "hello bot");
  CHECK(got->device == p.phone->id());
  CHECK(got->identity == p.phone->fp());
  CHECK(got->new_session);
  CHECK(got->recipients == std::vector<std::uint32_t>{p.bot->id()});

  SECTION("the bot answers over the same session, and the student reads it") {
    std::vector<std::uint32_t> skipped;
    auto reply = p.bot_side.seal("hello student", {p.phone->id()}, skipped);
    REQUIRE(reply);
    CHECK_FALSE(reply->keys[0].prekey);
    auto read = p.phone_side.open(*reply, why);
    INFO(why);
    REQUIRE(read);
    CHECK(read->text == "hello student");
    CHECK(read->identity == p.bot->fp());
    CHECK_FALSE(read->new_session);
  }
  SECTION("the same message twice is refused, not read again") {
    CHECK_FALSE(p.bot_side.open(e, why));
  }
  SECTION("the prekey used leaves the bundle, a fresh one takes its place, the old one expires") {
    const auto used = std::find_if(e.keys.begin(), e.keys.end(), [](auto&) { return true; });
    REQUIRE(used != e.keys.end());
    const bundle b = p.bot->published();
    CHECK(b.prekeys.size() == own_device::prekey_count);
    const auto rec = p.bot->record();
    REQUIRE(rec.retired.size() == 1);
    const auto retired_id = rec.retired.begin()->first;
    CHECK(std::none_of(b.prekeys.begin(), b.prekeys.end(),
                       [&](const auto& k) { return k.id == retired_id; }));
    CHECK(p.bot->prekey(retired_id));  // still accepted in its grace period
    CHECK_FALSE(p.bot->expire(rec.retired.begin()->second - 1));
    CHECK(p.bot->expire(rec.retired.begin()->second));
    CHECK_FALSE(p.bot->prekey(retired_id));
  }
}

TEST_CASE("the bot starts a session from a student's bundle and the student reads it") {
  pair_of_devices p;
  std::string why;
  REQUIRE(p.bot_side.start_session(p.phone->id(), p.phone->published(), why));
  CHECK(p.bot_side.has_session(p.phone->id()));
  std::vector<std::uint32_t> skipped;
  auto e = p.bot_side.seal("welcome", {p.phone->id(), 777}, skipped);
  REQUIRE(e);
  CHECK(skipped == std::vector<std::uint32_t>{777});
  CHECK(e->keys.size() == 1);
  CHECK(e->keys[0].prekey);
  auto read = p.phone_side.open(*e, why);
  INFO(why);
  REQUIRE(read);
  CHECK(read->text == "welcome");
}

TEST_CASE("what is not for the bot's device, or was changed on the way, is refused") {
  pair_of_devices p;
  std::string why;
  REQUIRE(p.phone_side.start_session(p.bot->id(), p.bot->published(), why));
  encrypted e = from_phone(p, "hello");
  SECTION("no key for the bot's device") {
    e.keys[0].rid += 1;
    CHECK_FALSE(p.bot_side.open(e, why));
    CHECK(why == "the message has no key for the bot's device");
  }
  SECTION("a changed payload") {
    (*e.payload)[0] ^= 1;
    CHECK_FALSE(p.bot_side.open(e, why));
    CHECK(why == "the payload does not decrypt");
  }
  SECTION("a changed key (its MAC, the last 8 bytes of a message in a session)") {
    REQUIRE(p.bot_side.open(e, why));
    std::vector<std::uint32_t> skipped;
    auto reply = p.bot_side.seal("ok", {p.phone->id()}, skipped);
    REQUIRE(reply);
    REQUIRE(p.phone_side.open(*reply, why));  // the student's side has an answer: no prekey now
    encrypted next = from_phone(p, "again");
    REQUIRE_FALSE(next.keys[0].prekey);
    next.keys[0].data[next.keys[0].data.size() - 3] ^= 1;
    CHECK_FALSE(p.bot_side.open(next, why));
  }
  SECTION("a bundle with a forged signature makes no session") {
    bundle b = p.bot->published();
    b.signed_prekey_signature[5] ^= 1;
    peer_cipher other(own_device::generate(), bot_jid);
    CHECK_FALSE(other.start_session(p.bot->id(), b, why));
  }
}

TEST_CASE("the device and the sessions survive a restart from their records") {
  pair_of_devices p;
  std::string why;
  REQUIRE(p.phone_side.start_session(p.bot->id(), p.bot->published(), why));
  REQUIRE(p.bot_side.open(from_phone(p, "one"), why));

  bool changed = false;
  auto record = p.bot->record(&changed);
  CHECK(changed);
  auto restored = own_device::restore(record, why);
  INFO(why);
  REQUIRE(restored);
  CHECK(restored->id() == p.bot->id());
  CHECK(restored->fp() == p.bot->fp());
  CHECK(restored->published() == p.bot->published());

  peer_cipher again(restored, student_jid, p.bot_side.record());
  auto got = again.open(from_phone(p, "two"), why);
  INFO(why);
  REQUIRE(got);
  CHECK(got->text == "two");

  SECTION("a record that is not a device is refused with the reason") {
    record.identity_private.pop_back();
    CHECK_FALSE(own_device::restore(record, why));
    CHECK(why == "the identity key pair is not 33 + 32 bytes");
    record = p.bot->record();
    record.signed_prekey[3] ^= 0x55;
    record.signed_prekey.resize(10);
    CHECK_FALSE(own_device::restore(record, why));
  }
}
