// Outcome XML and web session tokens.
#include "lti/lti11/outcome.hpp"
#include "lti/wire/token.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::lti;

TEST_CASE("replaceResultRequest carries the sourcedid, escaped, and the score") {
  auto xml = replace_result_request("msg-1", "a<b&c>\"d", 1.0);
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  // One declaration only: libxml2 and expat refuse a second one.
  CHECK(xml.find("<?xml", 1) == std::string::npos);
  CHECK(xml.find("xmlns=\"http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0\"") != std::string::npos);
  CHECK(xml.find("<imsx_messageIdentifier>msg-1</imsx_messageIdentifier>") != std::string::npos);
  CHECK(xml.find("<sourcedId>a&lt;b&amp;c&gt;\"d</sourcedId>") != std::string::npos);
  CHECK(xml.find("<textString>1.0</textString>") != std::string::npos);
  CHECK(xml.find("<replaceResultRequest>") != std::string::npos);
}

TEST_CASE("the response's imsx_codeMajor decides") {
  std::string d;
  auto ok = R"(<?xml version="1.0"?><imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0">
    <imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_statusInfo>
    <imsx_codeMajor>success</imsx_codeMajor><imsx_description>Score set</imsx_description>
    </imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader></imsx_POXEnvelopeResponse>)";
  CHECK(read_outcome_response(ok, d) == outcome_status::success);
  CHECK(d == "Score set");
  std::string failed{ok};
  failed.replace(failed.find(">success<"), 9, ">failure<");
  CHECK(read_outcome_response(failed, d) == outcome_status::failure);
  CHECK(read_outcome_response("<html>oops</html>", d) == outcome_status::unreadable);
  CHECK(read_outcome_response("not xml <", d) == outcome_status::unreadable);
}

TEST_CASE("tokens: the id comes back until expiry, and only with the right key") {
  auto t = make_token("abc123", 1000, "key");
  CHECK(read_token(t, "key", 999) == "abc123");
  CHECK_FALSE(read_token(t, "key", 1000));
  CHECK_FALSE(read_token(t, "other key", 999));
  auto forged = t;
  forged[0] = 'x';
  CHECK_FALSE(read_token(forged, "key", 999));
  CHECK_FALSE(read_token("abc123.99999.deadbeef", "key", 0));
  CHECK_FALSE(read_token("", "key", 0));
  auto longer = make_token("abc123", 99999, "key");
  CHECK_FALSE(read_token("abc123.99999." + longer.substr(longer.rfind('.') + 1, 10), "key", 0));
}

TEST_CASE("keyed MACs are HMAC-SHA256 (RFC 4231), however many keys a thread uses in turn") {
  // RFC 4231, test cases 1 and 2.
  const std::string key1(20, '\x0b');
  const std::string mac1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  const std::string mac2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  for (int round = 0; round < 3; ++round) {
    CHECK(keyed_hex(key1, "Hi There") == mac1);
    CHECK(keyed_hex("Jefe", "what do ya want for nothing?") == mac2);
    for (int k = 0; k < 10; ++k)  // more keys than a thread keeps set up
      CHECK(keyed_hex("key " + std::to_string(k), "data") != keyed_hex("key " + std::to_string(k + 1), "data"));
  }
  CHECK(keyed_hex(std::string_view{key1}.substr(0, 19), "Hi There") != mac1);  // a key's prefix is another key
}
