// SRV answers in DNS's wire format (RFC 1035 4.1, RFC 2782), read by glibc's parser.
#include "transport/net/dns.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using otrbot::net::parse_srv_answer;

namespace {

using bytes = std::vector<unsigned char>;

void u16(bytes& b, unsigned v) {
  b.push_back(static_cast<unsigned char>(v >> 8));
  b.push_back(static_cast<unsigned char>(v & 0xff));
}

void name(bytes& b, const std::string& dotted) {
  std::size_t start = 0;
  while (start < dotted.size()) {
    auto dot = dotted.find('.', start);
    auto label = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    b.push_back(static_cast<unsigned char>(label.size()));
    b.insert(b.end(), label.begin(), label.end());
    start = dot == std::string::npos ? dotted.size() : dot + 1;
  }
  b.push_back(0);
}

/// A response to the SRV question for _xmpp-client._tcp.school.test with these records.
bytes answer(const std::vector<std::tuple<unsigned, unsigned, unsigned, std::string>>& records) {
  bytes b;
  u16(b, 0x1234);   // id
  u16(b, 0x8180);   // a response, recursion desired and available, no error
  u16(b, 1);        // one question
  u16(b, static_cast<unsigned>(records.size()));
  u16(b, 0);
  u16(b, 0);
  name(b, "_xmpp-client._tcp.school.test");
  u16(b, 33);  // SRV
  u16(b, 1);   // IN
  for (const auto& [priority, weight, port, target] : records) {
    u16(b, 0xc00c);  // the question's name, compressed
    u16(b, 33);
    u16(b, 1);
    u16(b, 0);
    u16(b, 300);  // TTL
    bytes rdata;
    u16(rdata, priority);
    u16(rdata, weight);
    u16(rdata, port);
    name(rdata, target);
    u16(b, static_cast<unsigned>(rdata.size()));
    b.insert(b.end(), rdata.begin(), rdata.end());
  }
  return b;
}

} // namespace

TEST_CASE("SRV records are read from the answer and tried lowest priority first") {
  auto b = answer({{20, 5, 5223, "b.school.test"}, {10, 0, 5222, "a.school.test"},
                   {20, 1, 5222, "c.school.test"}});
  auto targets = parse_srv_answer(b.data(), static_cast<int>(b.size()));
  REQUIRE(targets.size() == 3);
  CHECK(targets[0].host == "a.school.test");
  CHECK(targets[0].port == 5222);
  CHECK(targets[0].priority == 10);
  CHECK(targets[1].host == "b.school.test");
  CHECK(targets[1].port == 5223);
  CHECK(targets[1].weight == 5);
  CHECK(targets[2].host == "c.school.test");
}

TEST_CASE("no answer, an empty one and a truncated one give no targets") {
  CHECK(parse_srv_answer(nullptr, -1).empty());
  auto none = answer({});
  CHECK(parse_srv_answer(none.data(), static_cast<int>(none.size())).empty());
  auto b = answer({{10, 0, 5222, "a.school.test"}});
  CHECK(parse_srv_answer(b.data(), static_cast<int>(b.size()) - 5).empty());
  CHECK(parse_srv_answer(b.data(), 7).empty());
}
