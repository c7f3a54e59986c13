#include "transport/omemo/signal_context.hpp"

#include <omemo/signal_protocol.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace otrbot::omemo {

namespace {

int random_bytes(std::uint8_t* data, std::size_t len, void*) {
  return len <= INT_MAX && RAND_bytes(data, static_cast<int>(len)) == 1 ? 0 : SG_ERR_UNKNOWN;
}

// HMAC-SHA256 through EVP_MAC (OpenSSL 3; the HMAC_* functions are deprecated there).
int hmac_init(void** context, const std::uint8_t* key, std::size_t key_len, void*) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return SG_ERR_UNKNOWN;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  if (ctx == nullptr) return SG_ERR_NOMEM;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx, key, key_len, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *context = ctx;
  return 0;
}

int hmac_update(void* context, const std::uint8_t* data, std::size_t len, void*) {
  return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(context), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int hmac_final(void* context, signal_buffer** output, void*) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(context), out, &len, sizeof out) != 1) {
    return SG_ERR_UNKNOWN;
  }
  *output = signal_buffer_create(out, len);
  return *output != nullptr ? 0 : SG_ERR_NOMEM;
}

void hmac_cleanup(void* context, void*) { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(context)); }

int sha512_init(void** context, void*) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return SG_ERR_NOMEM;
  if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *context = ctx;
  return 0;
}

int sha512_update(void* context, const std::uint8_t* data, std::size_t len, void*) {
  return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int sha512_final(void* context, signal_buffer** output, void*) {
  auto* ctx = static_cast<EVP_MD_CTX*>(context);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  // The context is left ready for the next digest, as libomemo-c expects.
  if (EVP_DigestFinal_ex(ctx, out, &len) != 1 || EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) {
    return SG_ERR_UNKNOWN;
  }
  *output = signal_buffer_create(out, len);
  return *output != nullptr ? 0 : SG_ERR_NOMEM;
}

void sha512_cleanup(void* context, void*) { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context)); }

const EVP_CIPHER* aes(int cipher, std::size_t key_len) {
  const bool ctr = cipher == SG_CIPHER_AES_CTR_NOPADDING;
  if (!ctr && cipher != SG_CIPHER_AES_CBC_PKCS5) return nullptr;
  switch (key_len) {
  case 16: return ctr ? EVP_aes_128_ctr() : EVP_aes_128_cbc();
  case 24: return ctr ? EVP_aes_192_ctr() : EVP_aes_192_cbc();
  case 32: return ctr ? EVP_aes_256_ctr() : EVP_aes_256_cbc();
  default: return nullptr;
  }
}

int aes_run(bool encrypt, signal_buffer** output, int cipher, const std::uint8_t* key,
            std::size_t key_len, const std::uint8_t* iv, std::size_t iv_len,
            const std::uint8_t* in, std::size_t in_len) {
  const EVP_CIPHER* type = aes(cipher, key_len);
  if (type == nullptr || iv_len != 16 || in_len > INT_MAX - 32) return SG_ERR_INVAL;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return SG_ERR_NOMEM;
  std::vector<unsigned char> out(in_len + 32);
  int n = 0;
  int tail = 0;
  const bool ok = EVP_CipherInit_ex(ctx, type, nullptr, key, iv, encrypt ? 1 : 0) == 1 &&
                  EVP_CipherUpdate(ctx, out.data(), &n, in, static_cast<int>(in_len)) == 1 &&
                  EVP_CipherFinal_ex(ctx, out.data() + n, &tail) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return SG_ERR_UNKNOWN;
  *output = signal_buffer_create(out.data(), static_cast<std::size_t>(n + tail));
  return *output != nullptr ? 0 : SG_ERR_NOMEM;
}

int aes_encrypt(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t key_len,
                const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* in,
                std::size_t in_len, void*) {
  return aes_run(true, output, cipher, key, key_len, iv, iv_len, in, in_len);
}

int aes_decrypt(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t key_len,
                const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* in,
                std::size_t in_len, void*) {
  return aes_run(false, output, cipher, key, key_len, iv, iv_len, in, in_len);
}

const signal_crypto_provider openssl_provider{
    random_bytes, hmac_init,    hmac_update, hmac_final,  hmac_cleanup, sha512_init,
    sha512_update, sha512_final, sha512_cleanup, aes_encrypt, aes_decrypt, nullptr};

} // namespace

struct signal_ctx::lock {
  std::recursive_mutex mutex;
  static void take(void* user) { static_cast<lock*>(user)->mutex.lock(); }
  static void give(void* user) { static_cast<lock*>(user)->mutex.unlock(); }
};

signal_ctx::signal_ctx() : lock_(std::make_unique<lock>()) {
  if (signal_context_create(&ctx_, lock_.get()) != 0 ||
      signal_context_set_crypto_provider(ctx_, &openssl_provider) != 0 ||
      signal_context_set_locking_functions(ctx_, &lock::take, &lock::give) != 0) {
    if (ctx_ != nullptr) signal_context_destroy(ctx_);
    throw std::runtime_error("libomemo-c: cannot make a context");
  }
}

signal_ctx::~signal_ctx() { signal_context_destroy(ctx_); }

} // namespace otrbot::omemo
