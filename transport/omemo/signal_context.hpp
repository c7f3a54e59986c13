// libomemo-c's global context, made once per owner: OpenSSL 3 as its crypto provider (random
// bytes, HMAC-SHA256, SHA-512, AES-CBC with PKCS#5 padding and AES-CTR) and a recursive mutex
// as its lock. The Signal ratchet runs in libomemo-c; nothing here is protocol.
#pragma once

#include <memory>

struct signal_context;

namespace otrbot::omemo {

/// One libomemo-c context. Not copyable; safe to use from one thread at a time, and the library
/// itself takes its lock around what it shares.
class signal_ctx {
public:
  /// Throws std::runtime_error when libomemo-c cannot make a context (out of memory).
  signal_ctx();
  ~signal_ctx();
  signal_ctx(const signal_ctx&) = delete;
  signal_ctx& operator=(const signal_ctx&) = delete;

  signal_context* get() const noexcept { return ctx_; }

private:
  struct lock;
  std::unique_ptr<lock> lock_;
  signal_context* ctx_ = nullptr;
};

} // namespace otrbot::omemo
