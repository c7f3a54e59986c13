// OAuth 1.0a: RFC 5849's own examples, encoding edge cases, parameters from query and body.
#include "lti/wire/oauth1.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::lti;

TEST_CASE("the signature base string of RFC 5849 section 3.4.1.1") {
  params all;
  REQUIRE(parse_form("b5=%3D%253D&a3=a&c%40=&a2=r%20b", all));  // the query
  REQUIRE(parse_form("c2&a3=2+q", all));                           // the body
  for (auto p : params{{"oauth_consumer_key", "9djdj82h48djs9d2"},
                       {"oauth_token", "kkk9d7dh3k39sjv7"},
                       {"oauth_signature_method", "HMAC-SHA1"},
                       {"oauth_timestamp", "137131201"},
                       {"oauth_nonce", "7d8f3e4a"},
                       {"oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw="}})
    all.push_back(p);
  CHECK(signature_base_string("POST", base_string_uri("http", "example.com", "/request"), all) ==
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%"
        "253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
        "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_"
        "token%3Dkkk9d7dh3k39sjv7");
}

TEST_CASE("the HMAC-SHA1 signature of RFC 5849 section 1.2") {
  params all{{"file", "vacation.jpg"},
             {"size", "original"},
             {"oauth_consumer_key", "dpf43f3p2l4k3l03"},
             {"oauth_token", "nnch734d00sl2jdk"},
             {"oauth_signature_method", "HMAC-SHA1"},
             {"oauth_timestamp", "137131202"},
             {"oauth_nonce", "chapoH"}};
  auto base = signature_base_string("GET", "http://photos.example.net/photos", all);
  CHECK(hmac_sha1(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00") == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
}

TEST_CASE("verification accepts the right signature only, in constant time") {
  params all{{"a", "1"}, {"oauth_consumer_key", "k"}, {"oauth_nonce", "n"}};
  auto sig = hmac_sha1(signature_base_string("POST", "https://bot.example/", all), "s3cret");
  all.emplace_back("oauth_signature", sig);
  CHECK(verify_hmac_sha1("POST", "https://bot.example/", all, "s3cret"));
  CHECK_FALSE(verify_hmac_sha1("POST", "https://bot.example/", all, "other"));
  CHECK_FALSE(verify_hmac_sha1("POST", "https://bot.example/x", all, "s3cret"));
  auto tampered = all;
  tampered[0].second.assign(1, '2');  // (GCC 12 -O2 -Wrestrict misreads = "2")
  CHECK_FALSE(verify_hmac_sha1("POST", "https://bot.example/", tampered, "s3cret"));
  auto twice = all;
  twice.emplace_back("oauth_signature", sig);
  CHECK_FALSE(verify_hmac_sha1("POST", "https://bot.example/", twice, "s3cret"));
}

TEST_CASE("repeated parameters are all signed, sorted by value") {
  params all{{"r", "b"}, {"r", "a"}, {"oauth_nonce", "n"}};
  CHECK(signature_base_string("POST", "http://x/", all) ==
        "POST&http%3A%2F%2Fx%2F&oauth_nonce%3Dn%26r%3Da%26r%3Db");
}

TEST_CASE("percent-encoding follows RFC 3986 as OAuth requires") {
  CHECK(percent_encode("abcXYZ019-._~") == "abcXYZ019-._~");
  CHECK(percent_encode(" !*'()+/:=&%") == "%20%21%2A%27%28%29%2B%2F%3A%3D%26%25");
  CHECK(percent_encode("\xC3\xA9") == "%C3%A9");  // é as UTF-8 bytes
  bool ok = false;
  CHECK(percent_decode("a%2Bb+c", true, ok) == "a+b c");
  CHECK(ok);
  CHECK(percent_decode("a+b", false, ok) == "a+b");
  percent_decode("bad%2", true, ok);
  CHECK_FALSE(ok);
  percent_decode("bad%zz", true, ok);
  CHECK_FALSE(ok);
}

TEST_CASE("unicode parameters are signed over their UTF-8 bytes") {
  params all{{"name", "Jos\xC3\xA9"}, {"oauth_nonce", "n"}};
  CHECK(signature_base_string("POST", "http://x/", all).find("Jos%25C3%25A9") != std::string::npos);
}

TEST_CASE("the base string URI drops default ports and lower-cases scheme and host") {
  CHECK(base_string_uri("HTTP", "Example.COM:80", "/r") == "http://example.com/r");
  CHECK(base_string_uri("https", "example.com:443", "/") == "https://example.com/");
  CHECK(base_string_uri("https", "example.com:8443", "/a/B") == "https://example.com:8443/a/B");
  CHECK(base_string_uri("http", "127.0.0.1:5000", "") == "http://127.0.0.1:5000/");
}

TEST_CASE("forms: empty parts, missing values, bad escapes") {
  params p;
  CHECK(parse_form("a=1&&b&c=", p));
  CHECK(p == params{{"a", "1"}, {"b", ""}, {"c", ""}});
  params bad;
  CHECK_FALSE(parse_form("a=%G1", bad));
}

TEST_CASE("the body hash and a signed Authorization header") {
  CHECK(body_hash("Hello World!") == "Lve95gjOVATpfV8EL5X4nxwjKHE=");
  auto h = authorization_header("POST", "https://lms.example/outcomes?x=1", "<xml/>", "key",
                                "secret", "nonce1", 1700000000);
  CHECK(h.rfind("OAuth realm=\"\", oauth_body_hash=\"", 0) == 0);
  CHECK(h.find("oauth_consumer_key=\"key\"") != std::string::npos);
  CHECK(h.find("oauth_signature=\"") != std::string::npos);
  // The same inputs sign the same way.
  CHECK(h == authorization_header("POST", "https://lms.example/outcomes?x=1", "<xml/>", "key",
                                  "secret", "nonce1", 1700000000));
}
