// JOSE over OpenSSL: base64url's one spelling, RS256 sign and verify, JWK both ways, key choice.
#include "lti/wire/jose.hpp"

#include <catch2/catch.hpp>

using namespace otrbot;

namespace {

const jose::key& test_key() {
  static const auto k = jose::generate_rsa(2048);
  return k;
}

} // namespace

TEST_CASE("base64url has one spelling: no padding, no other alphabet, no stray bits") {
  CHECK(jose::base64url_encode("") == "");
  CHECK(jose::base64url_encode("f") == "Zg");
  CHECK(jose::base64url_encode("\xfb\xff") == "-_8");
  CHECK(jose::base64url_decode("-_8") == std::string{"\xfb\xff"});
  CHECK(jose::base64url_decode("Zm9vYmFy") == std::string{"foobar"});
  CHECK_FALSE(jose::base64url_decode("Zg=="));   // padding
  CHECK_FALSE(jose::base64url_decode("+/8"));    // the standard alphabet
  CHECK_FALSE(jose::base64url_decode("Zh"));     // stray bits: another text for "f"
  CHECK_FALSE(jose::base64url_decode("Z"));      // no byte has one character
  CHECK_FALSE(jose::base64url_decode("Zm 9v"));
}

TEST_CASE("a token signed with RS256 verifies with its public key and no other") {
  auto token = jose::sign_rs256(test_key(), {{"kid", "k1"}}, {{"sub", "u"}, {"n", 1}});
  std::string why;
  auto t = jose::parse(token, why);
  REQUIRE(t);
  CHECK(t->header["alg"] == "RS256");
  CHECK(t->header["kid"] == "k1");
  CHECK(t->claims["sub"] == "u");
  auto pub = jose::key_from_jwk(jose::public_jwk(test_key(), "k1"), why);
  REQUIRE(pub);
  CHECK(jose::verify_rs256(*t, pub));
  auto other = jose::generate_rsa(2048);
  CHECK_FALSE(jose::verify_rs256(*t, jose::key_from_jwk(jose::public_jwk(other, "k2"), why)));
  // One changed claim: the signature no longer holds.
  auto tampered = *t;
  tampered.signing_input[tampered.signing_input.size() - 2] ^= 1;
  CHECK_FALSE(jose::verify_rs256(tampered, pub));
  // The header must say RS256 even when the signature is right.
  auto renamed = *t;
  renamed.header["alg"] = "HS256";
  CHECK_FALSE(jose::verify_rs256(renamed, pub));
}

TEST_CASE("malformed tokens are taken apart no further") {
  std::string why;
  CHECK_FALSE(jose::parse("a.b", why));
  CHECK_FALSE(jose::parse("a.b.c.d", why));
  CHECK_FALSE(jose::parse("e30.W10.", why));  // claims is an array, not an object
  CHECK_FALSE(jose::parse("e30.e30.a=", why));
  CHECK(jose::parse("e30.e30.", why));          // {} {} and an empty signature: parsed, not valid
}

TEST_CASE("the public JWK holds n and e, and reads back as the same key") {
  auto jwk = jose::public_jwk(test_key(), "tool-1");
  CHECK(jwk["kty"] == "RSA");
  CHECK(jwk["use"] == "sig");
  CHECK(jwk["e"] == "AQAB");
  CHECK_FALSE(jwk.contains("d"));  // nothing private
  std::string why;
  auto back = jose::key_from_jwk(jwk, why);
  REQUIRE(back);
  CHECK(EVP_PKEY_eq(back.get(), test_key().get()) == 1);
  // PEM round trip of the private key.
  auto pem = jose::private_pem(test_key());
  auto read = jose::read_private_pem(pem, why);
  REQUIRE(read);
  CHECK(EVP_PKEY_eq(read.get(), test_key().get()) == 1);
  CHECK_FALSE(jose::read_private_pem("not a key", why));
}

TEST_CASE("JWKs for other algorithms, uses, kinds or sizes are refused") {
  auto jwk = jose::public_jwk(test_key(), "k");
  std::string why;
  auto with = [&](const char* name, nlohmann::json value) {
    auto j = jwk;
    j[name] = std::move(value);
    return jose::key_from_jwk(j, why);
  };
  CHECK_FALSE(with("alg", "HS256"));
  CHECK_FALSE(with("use", "enc"));
  CHECK_FALSE(with("kty", "EC"));
  CHECK_FALSE(with("n", "AQAB"));  // 17 bits
  CHECK_FALSE(with("n", "not base64url!"));
}

TEST_CASE("the key for a token is the set's key with its kid, or the only RSA key") {
  auto a = jose::public_jwk(test_key(), "a");
  auto b = jose::public_jwk(test_key(), "b");
  std::string why;
  nlohmann::json both{{"keys", {a, b}}};
  CHECK(jose::select_key(both, "b", why));
  CHECK_FALSE(jose::select_key(both, "c", why));
  CHECK_FALSE(jose::select_key(both, "", why));  // two keys, no kid: which?
  CHECK(jose::select_key(nlohmann::json{{"keys", {a}}}, "", why));
  CHECK_FALSE(jose::select_key(nlohmann::json{{"keys", {a, a}}}, "a", why));
  CHECK_FALSE(jose::select_key(nlohmann::json::array(), "a", why));
}
