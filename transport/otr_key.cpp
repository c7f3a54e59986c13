// Fresh OTR private keys, made apart from any session: libotr's own key generation in a
// throwaway user state, handed over as key-file text through an in-memory file.
#include "transport/memory_file.hpp"
#include "transport/otr_session.hpp"

extern "C" {
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/userstate.h>
}

#include <string.h>  // explicit_bzero

namespace otrbot::otr {

private_key::~private_key() {
  if (!text_.empty())
    explicit_bzero(text_.data(), text_.size());
}

std::optional<private_key> make_key(const std::string& account) {
  constexpr const char* protocol = "xmpp";
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

} // namespace otrbot::otr
