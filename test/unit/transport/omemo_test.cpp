// Legacy OMEMO's pieces without a network: fingerprints as students type them, the payload
// cipher against AES-GCM vectors made with python3-cryptography (AESGCM), and the elements from
// XML strings written as XEP-0384 v0.3 shows them.
#include "transport/base/base64.hpp"
#include "transport/omemo/fingerprint.hpp"
#include "transport/omemo/omemo_stanza.hpp"
#include "transport/omemo/payload.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace otrbot;
using namespace otrbot::omemo;

namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string{hex.substr(i, 2)}, nullptr, 16)));
  return out;
}

const std::string fp_hex = "3a6f0c1b9e8d7c6b5a4f3e2d1c0b0a09f8e7d6c5b4a39281706f5e4d3c2b1a09";

} // namespace

TEST_CASE("base64 is strict: one spelling per byte string") {
  CHECK(base64::encode("hello") == "aGVsbG8=");
  CHECK(base64::decode("aGVsbG8=") == std::optional<std::string>{"hello"});
  CHECK(base64::decode("") == std::optional<std::string>{""});
  CHECK_FALSE(base64::decode("aGVsbG8"));    // padding missing
  CHECK_FALSE(base64::decode("aGVsbG9="));   // stray bits in the last character
  CHECK_FALSE(base64::decode("aGVs bG8="));  // whitespace
  CHECK_FALSE(base64::decode("aGV=bG8="));   // padding inside
  CHECK_FALSE(base64::decode("aG*sbG8="));
}

TEST_CASE("a fingerprint is read as each program prints it, and shown in 8 groups of 8") {
  std::string why;
  auto fp = fingerprint::parse(fp_hex, why);
  REQUIRE(fp);
  CHECK(fp->hex() == fp_hex);
  CHECK(fp->grouped() ==
        "3a6f0c1b 9e8d7c6b 5a4f3e2d 1c0b0a09 f8e7d6c5 b4a39281 706f5e4d 3c2b1a09");
  // Profanity: dashes; Gajim and Monal: upper case; Conversations: spaces; some: colons or the
  // key type "05" first.
  std::string upper = fp_hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  for (const std::string& typed :
       {std::string{"3a6f0c1b-9e8d7c6b-5a4f3e2d-1c0b0a09-f8e7d6c5-b4a39281-706f5e4d-3c2b1a09"},
        upper, fp->grouped(), "  " + fp->grouped() + "\t",
        std::string{"3a:6f:0c:1b:9e:8d:7c:6b:5a:4f:3e:2d:1c:0b:0a:09:f8:e7:d6:c5:b4:a3:92:81:70:"
                    "6f:5e:4d:3c:2b:1a:09"},
        "05" + fp_hex}) {
    CAPTURE(typed);
    auto again = fingerprint::parse(typed, why);
    REQUIRE(again);
    CHECK(*again == *fp);
  }
  for (const std::string& bad : {fp_hex.substr(1), fp_hex + "0", fp_hex.substr(0, 63) + "g",
                                 std::string{""}, "06" + fp_hex, fp_hex + fp_hex}) {
    CAPTURE(bad);
    why.clear();
    CHECK_FALSE(fingerprint::parse(bad, why));
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("a fingerprint is the public key's 32 bytes, with or without the key type") {
  auto key = unhex(fp_hex);
  CHECK(fingerprint::of_key(key)->hex() == fp_hex);
  CHECK(fingerprint::of_key("\x05" + key)->hex() == fp_hex);
  CHECK_FALSE(fingerprint::of_key(key.substr(1)));
  CHECK_FALSE(fingerprint::of_key("\x06" + key));
  CHECK(verification_uri("bot@example.org", 1234567, *fingerprint::of_key(key)) ==
        "xmpp:bot@example.org?omemo-sid-1234567=" + fp_hex);
}

TEST_CASE("the payload opens as python3-cryptography's AESGCM sealed it (12-byte IV)") {
  auto key = unhex("000102030405060708090a0b0c0d0e0f");
  auto iv = unhex("6465666768696a6b6c6d6e6f");
  auto ct = unhex("430d3bd7fb61d79efe04775bb19a73c17dba29bb");
  auto tag = unhex("4f8918d7dd88abfe83a5848f93a54a0f");
  CHECK(open(key + tag, iv, ct) == std::optional<std::string>{"Your code: K7PX-M2QD"});
  // Older clients: the key alone (16 bytes), the tag at the payload's end; a 16-byte IV.
  CHECK(open(key, iv, ct + tag) == std::optional<std::string>{"Your code: K7PX-M2QD"});
  CHECK(open(key, unhex("c8c9cacbcccdcecfd0d1d2d3d4d5d6d7"),
             unhex("754d1819a1fe0d355c01ee7672c36bfdaa2daedfcf")) ==
        std::optional<std::string>{"hello"});
  // A changed byte anywhere, a wrong tag, a short key or IV: not opened.
  auto forged = ct;
  forged[0] ^= 1;
  CHECK_FALSE(open(key + tag, iv, forged));
  CHECK_FALSE(open(key + std::string(16, '\0'), iv, ct));
  CHECK_FALSE(open(key.substr(0, 15), iv, ct));
  CHECK_FALSE(open(key + tag, iv.substr(0, 8), ct));
}

TEST_CASE("a sealed payload has a fresh 16-byte key, a 12-byte IV and opens again") {
  std::uint8_t counter = 0;
  auto rng = [&](std::uint8_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = counter++;
  };
  auto s = seal("The code is K7PX-M2QD", rng);
  CHECK(s.key_and_tag.size() == 32);
  CHECK(s.iv.size() == 12);
  CHECK(s.ciphertext.size() == 21);
  CHECK(open(s.key_and_tag, s.iv, s.ciphertext) == std::optional<std::string>{"The code is K7PX-M2QD"});
  auto other = seal("The code is K7PX-M2QD", rng);
  CHECK(other.key_and_tag.substr(0, 16) != s.key_and_tag.substr(0, 16));
}

TEST_CASE("an <encrypted> element is read as XEP-0384 v0.3 writes it, and written back") {
  std::string xml =
    "<encrypted xmlns='eu.siacs.conversations.axolotl'>"
    "<header sid='27183'>"
    "<key rid='31415'>" + base64::encode("key for 31415") + "</key>"
    "<key prekey='true' rid='12321'>\n" + base64::encode("prekey message") + "\n</key>"
    "<iv>" + base64::encode("123456789012") + "</iv>"
    "</header>"
    "<payload>" + base64::encode("sealed words") + "</payload>"
    "</encrypted>";
  std::string why;
  auto e = parse_encrypted(xml, why);
  REQUIRE(e);
  CHECK(e->sid == 27183);
  REQUIRE(e->keys.size() == 2);
  CHECK(e->keys[0] == device_key{31415, false, "key for 31415"});
  CHECK(e->keys[1] == device_key{12321, true, "prekey message"});
  CHECK(e->iv == "123456789012");
  CHECK(e->payload == std::optional<std::string>{"sealed words"});
  auto back = parse_encrypted(render(*e), why);
  REQUIRE(back);
  CHECK(*back == *e);
  // A key transport message has no payload.
  e->payload.reset();
  CHECK(parse_encrypted(render(*e), why)->payload == std::nullopt);
}

TEST_CASE("a bad <encrypted> element is refused with the reason") {
  auto iv = "<iv>" + base64::encode("123456789012") + "</iv>";
  auto key = "<key rid='2'>" + base64::encode("k") + "</key>";
  for (const std::string& xml : {
         std::string{"<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'>"} + key + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header>" + key + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='0'>" + key + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='2147483648'>" + key + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='-1'>" + key + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='x'>AA==</key>" + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><key rid='2'>A*==</key>" + iv + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>" + key + "</header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>" + key + "<iv>AAAA</iv></header></encrypted>",
         "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>" + key + iv + "</header><payload>@@</payload></encrypted>",
         std::string{"<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>"},
       }) {
    CAPTURE(xml);
    std::string why;
    CHECK_FALSE(parse_encrypted(xml, why));
    CHECK_FALSE(why.empty());
  }
  std::string many = "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>";
  for (std::size_t i = 1; i <= max_keys + 1; ++i)
    many += "<key rid='" + std::to_string(i) + "'>AA==</key>";
  many += iv + "</header></encrypted>";
  std::string why;
  CHECK_FALSE(parse_encrypted(many, why));
  CHECK(why == "more than 64 keys");
}

TEST_CASE("a device list and a bundle are read and written back") {
  std::string why;
  auto list = parse_device_list("<list xmlns='eu.siacs.conversations.axolotl'><device id='12345'/>"
                                "<device id='4223'/><device id='12345'/></list>", why);
  REQUIRE(list);
  CHECK(*list == std::vector<std::uint32_t>{12345, 4223});  // named twice: one device
  CHECK(parse_device_list(render_device_list(*list), why) == list);
  CHECK(parse_device_list("<list xmlns='eu.siacs.conversations.axolotl'/>", why)->empty());
  CHECK_FALSE(parse_device_list("<list xmlns='eu.siacs.conversations.axolotl'><device/></list>", why));
  CHECK_FALSE(parse_device_list("<list xmlns='urn:xmpp:omemo:2'><device id='1'/></list>", why));

  bundle b{7, "signed prekey", "signature", std::string{"\x05"} + std::string(32, 'i'),
           {{1, "prekey one"}, {2, "prekey two"}}};
  auto back = parse_bundle(render(b), why);
  REQUIRE(back);
  CHECK(*back == b);
  b.prekeys.clear();
  CHECK_FALSE(parse_bundle(render(b), why));
  CHECK(why == "a bundle without prekeys");
  CHECK_FALSE(parse_bundle("<bundle xmlns='eu.siacs.conversations.axolotl'><prekeys/></bundle>", why));
}

TEST_CASE("device ids are decimal, 1 to 2^31 - 1") {
  CHECK(parse_device_id("1") == 1u);
  CHECK(parse_device_id("2147483647") == 2147483647u);
  for (const char* bad : {"", "0", "01", "2147483648", "99999999999", "+1", " 1", "1a"})
    CHECK_FALSE(parse_device_id(bad));
}
