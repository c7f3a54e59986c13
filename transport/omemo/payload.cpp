// Legacy OMEMO's payload cipher over OpenSSL's EVP AES-128-GCM (see payload.hpp).
#include "transport/omemo/payload.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace otrbot::omemo {
namespace {

constexpr std::size_t key_size = 16;
constexpr std::size_t tag_size = 16;
constexpr std::size_t iv_size = 12;

using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

cipher_ctx new_ctx() { return {EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free}; }

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

/// AES-128-GCM over `in` with `key` and `iv` (any length GCM takes); encrypting when `encrypt`.
bool start(EVP_CIPHER_CTX* ctx, bool encrypt, std::string_view key, std::string_view iv) {
  return EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
         EVP_CipherInit_ex(ctx, nullptr, nullptr, bytes(key), bytes(iv), encrypt ? 1 : 0) == 1;
}

} // namespace

sealed seal(std::string_view text, const secrets::random_bytes& rng) {
  sealed out;
  std::string key(key_size, '\0');
  out.iv.assign(iv_size, '\0');
  rng(bytes(key), key.size());
  rng(bytes(out.iv), out.iv.size());
  auto ctx = new_ctx();
  out.ciphertext.assign(text.size(), '\0');
  int n = 0, final_n = 0;
  std::string tag(tag_size, '\0');
  if (!ctx || !start(ctx.get(), true, key, out.iv) ||
      EVP_EncryptUpdate(ctx.get(), bytes(out.ciphertext), &n, bytes(text),
                        static_cast<int>(text.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out.ciphertext) + n, &final_n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), bytes(tag)) != 1)
    throw std::runtime_error("OpenSSL could not seal an OMEMO payload");
  out.key_and_tag = key + tag;
  return out;
}

std::optional<std::string> open(std::string_view key_and_tag, std::string_view iv,
                                std::string_view ciphertext) {
  std::string_view key, tag;
  if (key_and_tag.size() >= key_size + tag_size) {
    key = key_and_tag.substr(0, key_size);
    tag = key_and_tag.substr(key_size, tag_size);
  } else if (key_and_tag.size() == key_size && ciphertext.size() >= tag_size) {
    key = key_and_tag;
    tag = ciphertext.substr(ciphertext.size() - tag_size);
    ciphertext.remove_suffix(tag_size);
  } else {
    return std::nullopt;
  }
  if (iv.size() != iv_size && iv.size() != 16)
    return std::nullopt;
  auto ctx = new_ctx();
  std::string text(ciphertext.size(), '\0');
  std::string expected{tag};
  int n = 0, final_n = 0;
  if (!ctx || !start(ctx.get(), false, key, iv) ||
      EVP_DecryptUpdate(ctx.get(), bytes(text), &n, bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size),
                          bytes(expected)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), bytes(text) + n, &final_n) != 1)
    return std::nullopt;  // the tag does not match: forged or damaged
  return text;
}

} // namespace otrbot::omemo
