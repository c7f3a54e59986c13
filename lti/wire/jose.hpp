// JSON Web Signatures as LTI 1.3 uses them: RS256 compact JWTs, RSA keys as JWK and JWKS
// (RFC 7515, 7517, 7518, 7519), over OpenSSL's EVP and nlohmann-json (pure; no I/O).
//
// Why a layer of our own rather than a Debian JWT library: librhonabwy (JWK/JWKS/JWT) does its
// cryptography with GnuTLS/Nettle, a second crypto stack beside the OpenSSL the bot already
// trusts for TLS, with its own HTTP fetching of key sets; libcpp-jwt has no JWK or JWKS; libjwt
// 1.10 has no JWKS. What LTI 1.3 needs is one algorithm and one key type: OpenSSL's EVP does
// the cryptography, nlohmann-json the JSON, base64url is OpenSSL's base64 with the URL
// alphabet; this file only puts them together (unit tests, and tokens made and checked by
// python3-jwt in the end-to-end tests).
//
// Only RS256 is spoken: a token whose header names any other algorithm ("none", HS256, ...)
// is refused before its signature is looked at, so a public key can never serve as an HMAC
// secret.
#pragma once

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::jose {

/// An RSA key (private or public only), shared and immutable once made.
using key = std::shared_ptr<EVP_PKEY>;

/// RFC 4648 section 5 without padding.
std::string base64url_encode(std::string_view bytes);
/// Strict: only the URL alphabet, no padding, no stray bits; nullopt otherwise.
std::optional<std::string> base64url_decode(std::string_view text);

/// A new RSA key of `bits` bits; throws std::runtime_error when OpenSSL cannot make one.
key generate_rsa(int bits = 2048);
/// The private key as PKCS#8 PEM (for the tool's key file).
std::string private_pem(const key& k);
/// Reads a PEM private key (PKCS#1 or PKCS#8): RSA of at least 2048 bits, else nullptr and `why`.
key read_private_pem(std::string_view pem, std::string& why);

/// The public half as a JWK: kty RSA, n, e, kid, alg RS256, use sig.
nlohmann::json public_jwk(const key& k, const std::string& kid);
/// An RSA public key from a JWK (n, e; RSA of at least 2048 bits; alg RS256 and use sig when
/// named), else nullptr and `why`.
key key_from_jwk(const nlohmann::json& jwk, std::string& why);

/// header.claims.signature, signed with RS256 (`header` gets "alg": "RS256" and "typ": "JWT").
std::string sign_rs256(const key& k, nlohmann::json header, const nlohmann::json& claims);

/// A compact JWS taken apart: both JSON objects, what was signed, and the signature.
struct compact {
  nlohmann::json header;
  nlohmann::json claims;
  std::string signing_input;  ///< base64url(header) "." base64url(claims)
  std::string signature;      ///< raw bytes
};

/// Takes a token apart (three parts, each strict base64url, both JSON objects), else nullopt
/// and `why`. Nothing is verified yet.
std::optional<compact> parse(std::string_view token, std::string& why);

/// Whether `t` is signed with RS256 by `public_key` (the header must say RS256).
bool verify_rs256(const compact& t, const key& public_key);

/// The key of `jwks` ({"keys": [...]}) that verifies a token with key id `kid`: the one with
/// that kid; with no kid, the set's only RSA signing key. nullptr and `why` when there is none.
key select_key(const nlohmann::json& jwks, const std::string& kid, std::string& why);

} // namespace otrbot::jose
