// RS256 JWTs and RSA JWKs over OpenSSL 3's EVP.
#include "lti/wire/jose.hpp"

#include "lti/wire/json_members.hpp"
#include "transport/base/base64.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace otrbot::jose {
namespace {

using json_members::string_member;

constexpr int min_rsa_bits = 2048;

template <class T, void (*Free)(T*)>
struct deleter {
  void operator()(T* p) const { Free(p); }
};
using bn_ptr = std::unique_ptr<BIGNUM, deleter<BIGNUM, BN_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, deleter<OSSL_PARAM, OSSL_PARAM_free>>;

key adopt(EVP_PKEY* p) { return key{p, EVP_PKEY_free}; }

bool is_rsa(const key& k) { return k && EVP_PKEY_is_a(k.get(), "RSA") == 1; }

std::string bn_bytes(const key& k, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(k.get(), name, &raw) != 1)
    throw std::runtime_error(std::string{"the key has no "} + name);
  bn_ptr bn{raw};
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

/// A JSON object from base64url text, else nullopt.
std::optional<nlohmann::json> json_part(std::string_view part) {
  auto bytes = base64url_decode(part);
  if (!bytes)
    return std::nullopt;
  auto j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  return j;
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
  auto out = base64::encode(bytes);
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string standard{text};
  for (auto& c : standard) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return std::nullopt;  // '=', '+', '/', whitespace: not base64url as JOSE writes it
  }
  standard.append((4 - standard.size() % 4) % 4, '=');
  // Stray bits in the last character are refused there: a token has one spelling.
  return base64::decode(standard);
}

key generate_rsa(int bits) {
  auto k = adopt(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!k)
    throw std::runtime_error("OpenSSL could not make an RSA key");
  return k;
}

std::string private_pem(const key& k) {
  bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), k.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("OpenSSL could not write the key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

key read_private_pem(std::string_view pem, std::string& why) {
  bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  auto k = bio ? adopt(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)) : nullptr;
  if (!k) {
    why = "it is not a PEM private key";
    return nullptr;
  }
  if (!is_rsa(k) || EVP_PKEY_get_bits(k.get()) < min_rsa_bits) {
    why = "it is not an RSA key of at least 2048 bits";
    return nullptr;
  }
  return k;
}

nlohmann::json public_jwk(const key& k, const std::string& kid) {
  return {{"kty", "RSA"},
          {"alg", "RS256"},
          {"use", "sig"},
          {"kid", kid},
          {"n", base64url_encode(bn_bytes(k, OSSL_PKEY_PARAM_RSA_N))},
          {"e", base64url_encode(bn_bytes(k, OSSL_PKEY_PARAM_RSA_E))}};
}

key key_from_jwk(const nlohmann::json& jwk, std::string& why) {
  if (!jwk.is_object() || string_member(jwk, "kty") != "RSA") {
    why = "not an RSA key";
    return nullptr;
  }
  if (jwk.contains("alg") && string_member(jwk, "alg") != "RS256") {
    why = "a key for another algorithm than RS256";
    return nullptr;
  }
  if (jwk.contains("use") && string_member(jwk, "use") != "sig") {
    why = "not a signing key";
    return nullptr;
  }
  auto n = base64url_decode(string_member(jwk, "n"));
  auto e = base64url_decode(string_member(jwk, "e"));
  if (!n || !e || n->empty() || e->empty()) {
    why = "its n or e is missing or not base64url";
    return nullptr;
  }
  bn_ptr bn_n{BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr)};
  bn_ptr bn_e{BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr)};
  param_bld_ptr bld{OSSL_PARAM_BLD_new()};
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    why = "OpenSSL could not read it";
    return nullptr;
  }
  params_ptr params{OSSL_PARAM_BLD_to_param(bld.get())};
  pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    why = "OpenSSL could not read it";
    return nullptr;
  }
  auto k = adopt(raw);
  if (EVP_PKEY_get_bits(k.get()) < min_rsa_bits) {
    why = "an RSA key of fewer than 2048 bits";
    return nullptr;
  }
  return k;
}

std::string sign_rs256(const key& k, nlohmann::json header, const nlohmann::json& claims) {
  header["alg"] = "RS256";
  header["typ"] = "JWT";
  auto input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  std::size_t n = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    throw std::runtime_error("OpenSSL could not sign");
  std::string sig(n, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("OpenSSL could not sign");
  sig.resize(n);
  return input + "." + base64url_encode(sig);
}

std::optional<compact> parse(std::string_view token, std::string& why) {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    why = "it is not a signed JWT (three parts)";
    return std::nullopt;
  }
  auto header = json_part(token.substr(0, first));
  auto claims = json_part(token.substr(first + 1, second - first - 1));
  auto sig = base64url_decode(token.substr(second + 1));
  if (!header || !claims || !sig) {
    why = "a part of it is not base64url JSON";
    return std::nullopt;
  }
  return compact{std::move(*header), std::move(*claims), std::string{token.substr(0, second)},
                 std::move(*sig)};
}

bool verify_rs256(const compact& t, const key& public_key) {
  if (string_member(t.header, "alg") != "RS256" || !is_rsa(public_key) ||
      t.signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(public_key.get())))
    return false;
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  return ctx &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(t.signature.data()),
                          t.signature.size(),
                          reinterpret_cast<const unsigned char*>(t.signing_input.data()),
                          t.signing_input.size()) == 1;
}

key select_key(const nlohmann::json& jwks, const std::string& kid, std::string& why) {
  auto keys = jwks.is_object() ? jwks.find("keys") : jwks.end();
  if (!jwks.is_object() || keys == jwks.end() || !keys->is_array()) {
    why = "the platform's key set is not a JWKS";
    return nullptr;
  }
  std::vector<const nlohmann::json*> candidates;
  for (const auto& k : *keys)
    if (k.is_object() && (kid.empty() ? string_member(k, "kty") == "RSA" : string_member(k, "kid") == kid))
      candidates.push_back(&k);
  if (candidates.size() != 1) {
    why = kid.empty() ? "the token names no key, and the platform's key set has not exactly one RSA key"
          : candidates.empty() ? "the platform's key set has no key " + kid
                               : "the platform's key set has key " + kid + " twice";
    return nullptr;
  }
  std::string bad;
  auto k = key_from_jwk(*candidates.front(), bad);
  if (!k)
    why = "the platform's key " + kid + " is " + bad;
  return k;
}

} // namespace otrbot::jose
