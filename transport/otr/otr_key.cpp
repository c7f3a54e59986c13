// Fresh OTR private keys, made apart from any session and handed over as libotr key-file text
// through an in-memory file: libotr's own generation, or a key pair in shared DSA parameters.
#include "transport/otr/memory_file.hpp"
#include "transport/otr/otr_session.hpp"

extern "C" {
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>
}
#include <gcrypt.h>

#include <string.h>  // explicit_bzero

#include <cstring>

#include <array>

namespace otrbot::otr {
namespace {

constexpr const char* protocol = "xmpp";

struct sexp_ptr {
  gcry_sexp_t s = nullptr;
  sexp_ptr() = default;
  explicit sexp_ptr(gcry_sexp_t x) : s(x) {}
  sexp_ptr(const sexp_ptr&) = delete;
  sexp_ptr& operator=(const sexp_ptr&) = delete;
  ~sexp_ptr() { gcry_sexp_release(s); }
};

/// libotr's generation: the prime search and all, in a throwaway user state.
std::optional<private_key> libotr_key(const std::string& account) {
  OtrlUserState us = otrl_userstate_create();
  if (!us)
    return std::nullopt;
  std::optional<private_key> out;
  void* handle = nullptr;
  // Freeing the user state also releases a key generation started in it.
  if (otrl_privkey_generate_start(us, account.c_str(), protocol, &handle) == 0 && handle &&
      otrl_privkey_generate_calculate(handle) == 0) {
    if (auto f = memory_file();
        f && otrl_privkey_generate_finish_FILEp(us, handle, f.get()) == 0 &&
        std::fflush(f.get()) == 0) {
      long size = std::ftell(f.get());
      std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
      std::rewind(f.get());
      if (size > 0 && std::fread(text.data(), 1, text.size(), f.get()) == text.size())
        out.emplace(std::move(text));
      else if (!text.empty())
        explicit_bzero(text.data(), text.size());
    }
  }
  otrl_userstate_free(us);
  return out;
}

} // namespace

struct key_domain::params {
  std::array<gcry_mpi_t, 3> pqg{};  // p, q, g
  ~params() {
    for (auto m : pqg)
      gcry_mpi_release(m);
  }
};

key_domain::key_domain(std::unique_ptr<params> p) : p_(std::move(p)) {}
key_domain::key_domain(key_domain&&) noexcept = default;
key_domain& key_domain::operator=(key_domain&&) noexcept = default;
key_domain::~key_domain() = default;

std::optional<key_domain> key_domain::make() {
  sexp_ptr spec, key;
  if (gcry_sexp_build(&spec.s, nullptr, "(genkey (dsa (nbits 4:1024)))") ||
      gcry_pk_genkey(&key.s, spec.s))
    return std::nullopt;
  sexp_ptr pub{gcry_sexp_find_token(key.s, "public-key", 0)};
  if (!pub.s)
    return std::nullopt;
  auto p = std::make_unique<params>();
  const char* names[] = {"p", "q", "g"};
  for (std::size_t i = 0; i < 3; ++i) {
    sexp_ptr token{gcry_sexp_find_token(pub.s, names[i], 0)};
    p->pqg[i] = token.s ? gcry_sexp_nth_mpi(token.s, 1, GCRYMPI_FMT_USG) : nullptr;
    if (!p->pqg[i])
      return std::nullopt;
  }
  return key_domain{std::move(p)};
}

private_key::~private_key() {
  if (!text_.empty())
    explicit_bzero(text_.data(), text_.size());
}

std::optional<private_key> make_key(const std::string& account, const key_domain* domain) {
  if (!domain)
    return libotr_key(account);
  const auto& pqg = domain->p_->pqg;
  sexp_ptr spec, key;
  if (gcry_sexp_build(&spec.s, nullptr,
                      "(genkey (dsa (domain (p %m) (q %m) (g %m))))", pqg[0],
                      pqg[1], pqg[2]) ||
      gcry_pk_genkey(&key.s, spec.s))
    return std::nullopt;
  sexp_ptr priv{gcry_sexp_find_token(key.s, "private-key", 0)};
  sexp_ptr file;
  // The key file as libotr writes it: (privkeys (account (name ..) (protocol ..) (private-key ..)))
  if (!priv.s || gcry_sexp_build(&file.s, nullptr, "(privkeys (account (name %s) (protocol %s) %S))",
                                 account.c_str(), protocol, priv.s))
    return std::nullopt;
  std::size_t size = gcry_sexp_sprint(file.s, GCRYSEXP_FMT_ADVANCED, nullptr, 0);
  std::string text(size, '\0');
  if (size == 0 || gcry_sexp_sprint(file.s, GCRYSEXP_FMT_ADVANCED, text.data(), size) == 0) {
    explicit_bzero(text.data(), text.size());
    return std::nullopt;
  }
  text.resize(std::strlen(text.c_str()));
  return private_key{std::move(text)};
}

} // namespace otrbot::otr
