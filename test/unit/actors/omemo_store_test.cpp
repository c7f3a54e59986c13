// The OMEMO records in the store: the bot's devices and the students' sessions, written and read
// back (a restart), refused when a row is not a record, forgotten with a whitelist removal; and
// the keyring made from them.
#include "actors/chat/omemo_keyring.hpp"
#include "actors/store/omemo_records.hpp"
#include "actors/store/store_db.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace otrbot;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/otrbot-omemo-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

} // namespace

TEST_CASE("a device's record and a student's sessions survive the store's text form") {
  auto d = omemo::own_device::generate();
  d->retire_prekey(d->record().prekeys.begin()->first, 1234);
  std::string why;
  auto record = d->record();
  auto back = store::decode_own_device(store::encode(record), why);
  INFO(why);
  REQUIRE(back);
  CHECK(*back == record);

  omemo::peer_record peer{{{7, "session bytes"}}, {{7, std::string(33, '\x05')}}};
  auto peer_back = store::decode_peer(store::encode(peer), why);
  REQUIRE(peer_back);
  CHECK(*peer_back == peer);

  SECTION("what is not a record is refused with the reason") {
    CHECK_FALSE(store::decode_own_device("[]", why));
    CHECK(why == "not a JSON object");
    CHECK_FALSE(store::decode_own_device(R"({"device_id": -1})", why));
    CHECK_FALSE(store::decode_own_device(R"({"device_id": 1e30})", why));
    CHECK_FALSE(store::decode_peer(R"({"sessions": {"x": "AA=="}, "identities": {}})", why));
    CHECK_FALSE(store::decode_peer(R"({"sessions": {"7": "not base64!"}, "identities": {}})", why));
    CHECK_FALSE(store::decode_peer(R"({"sessions": {}})", why));
  }
}

TEST_CASE("the keyring makes the devices once, keeps them, and forgets a removed student") {
  temp_dir dir;
  std::string why;
  std::uint32_t real = 0, decoy = 0;
  std::string fingerprint;
  {
    auto db = store::database::open(dir.file("otrbot.db"));
    db.put_whitelist("alice@x.org", "en_GB", store::whitelist_source::pages, "test", 1);
    auto keys = omemo_keyring::load(db, why);
    INFO(why);
    REQUIRE(keys);
    real = keys->real().id();
    decoy = keys->decoy().id();
    fingerprint = keys->real().fp().hex();
    CHECK(real != decoy);
    auto items = keys->pep_items();
    REQUIRE(items.size() == 3);
    CHECK(items[0].node == "eu.siacs.conversations.axolotl.devicelist");
    CHECK(items[0].payload_xml.find(std::to_string(decoy)) != std::string::npos);
    CHECK(items[1].node == "eu.siacs.conversations.axolotl.bundles:" + std::to_string(real));
    db.put_omemo_peer("alice@x.org", store::encode(omemo::peer_record{{{9, "s"}}, {}}), 2);
    db.put_omemo_peer("stranger@x.org", store::encode(omemo::peer_record{}), 2);
    CHECK(db.omemo_peers().size() == 1);  // only a whitelisted student's sessions are kept
  }
  {
    auto db = store::database::open(dir.file("otrbot.db"));
    auto keys = omemo_keyring::load(db, why);
    REQUIRE(keys);
    CHECK(keys->real().id() == real);
    CHECK(keys->decoy().id() == decoy);
    CHECK(keys->real().fp().hex() == fingerprint);
    db.remove_whitelist("alice@x.org", 3);
    CHECK(db.omemo_peers().empty());
  }
  SECTION("a stored device that is not one stops the start with the reason") {
    auto db = store::database::open(dir.file("otrbot.db"));
    db.put_omemo_device("real", "{}");
    CHECK_FALSE(omemo_keyring::load(db, why));
    CHECK(why.rfind("the stored OMEMO real device is unusable", 0) == 0);
  }
}
