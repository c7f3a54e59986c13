#include "transport/otr/otr_guard.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace otrbot::otr;

namespace {

std::string fragment(std::size_t k, std::size_t n, std::size_t bytes) {
  return "?OTR," + std::to_string(k) + "," + std::to_string(n) + "," + std::string(bytes, 'A') + ",";
}

/// A v3 message whose base64 starts with version 3, type 0x02 and `tag`.
std::string v3_from(std::uint32_t tag) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char b[9] = {0, 3, 2, static_cast<unsigned char>(tag >> 24),
                        static_cast<unsigned char>(tag >> 16), static_cast<unsigned char>(tag >> 8),
                        static_cast<unsigned char>(tag), 0, 0};
  std::string out = "?OTR:";
  for (int g = 0; g < 3; ++g) {
    std::uint32_t bits = (b[g * 3] << 16) | (b[g * 3 + 1] << 8) | b[g * 3 + 2];
    for (int i = 3; i >= 0; --i)
      out.push_back(alphabet[(bits >> (6 * i)) & 63]);
  }
  return out + "AAAA.";
}

} // namespace

TEST_CASE("plain words, queries and ordinary OTR messages pass") {
  guard g;
  CHECK(g.admit("hello") == refusal::none);
  CHECK(g.admit("?OTRv23?") == refusal::none);
  CHECK(g.admit("?OTR:AAIDAAAAAAEAAAABAAAAwA==.") == refusal::none);  // a v2 data message
  CHECK(g.admit(fragment(1, 3, 100)) == refusal::none);
  CHECK(g.admit(fragment(2, 3, 100)) == refusal::none);
  CHECK(g.admit(fragment(3, 3, 100)) == refusal::none);
}

TEST_CASE("a fragment that announces more pieces than any real message has is dropped") {
  guard g;
  CHECK(g.admit(fragment(1, 64, 10)) == refusal::none);
  CHECK(g.admit(fragment(1, 65000, 10)) == refusal::too_many_fragments);
  CHECK(g.admit("?OTR|0000abcd|00000000,1,65000,xx,") == refusal::too_many_fragments);
}

TEST_CASE("the fragments of one message may not add up to more than 1 MiB") {
  guard g;
  for (std::size_t k = 1; k <= 5; ++k)
    CHECK(g.admit(fragment(k, 60, 200000)) == refusal::none);
  CHECK(g.admit(fragment(6, 60, 200000)) == refusal::too_large);
  CHECK(g.admit(fragment(1, 60, 200000)) == refusal::none);  // a new message starts afresh
}

TEST_CASE("OTR v3 messages from more than 8 sender instances are dropped") {
  guard g;
  for (std::uint32_t tag = 0x100; tag < 0x108; ++tag)
    CHECK(g.admit(v3_from(tag)) == refusal::none);
  CHECK(g.admit(v3_from(0x100)) == refusal::none);  // one already known
  CHECK(g.admit(v3_from(0x200)) == refusal::too_many_instances);
  CHECK(g.admit("?OTR|00000300|00000000,1,2,xx,") == refusal::too_many_instances);
  CHECK(g.admit("?OTR|00000101|00000000,1,2,xx,") == refusal::none);
}

TEST_CASE("malformed fragment headers are left to libotr, which ignores them") {
  guard g;
  CHECK(g.admit("?OTR,") == refusal::none);
  CHECK(g.admit("?OTR,x,y,z,") == refusal::none);
  CHECK(g.admit("?OTR,1,99999999999999999999999,a,") == refusal::none);
  CHECK(g.admit("?OTR|zz|,1,2,a,") == refusal::none);
  CHECK(g.admit("?OTR:") == refusal::none);
  CHECK(g.admit("?OTR:\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c") == refusal::none);
}
