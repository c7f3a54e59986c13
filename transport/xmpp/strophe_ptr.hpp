// Owning handles for libstrophe's objects (internal to transport/'s libstrophe code).
#pragma once

#include <strophe.h>

#include <memory>

namespace otrbot::xmpp {

struct stanza_release {
  void operator()(xmpp_stanza_t* s) const noexcept { xmpp_stanza_release(s); }
};
using stanza_ptr = std::unique_ptr<xmpp_stanza_t, stanza_release>;

/// A new element <name xmlns=ns> (no namespace when `ns` is null).
inline stanza_ptr element(xmpp_ctx_t* ctx, const char* name, const char* ns = nullptr) {
  stanza_ptr s{xmpp_stanza_new(ctx)};
  xmpp_stanza_set_name(s.get(), name);
  if (ns)
    xmpp_stanza_set_ns(s.get(), ns);
  return s;
}

/// Adds `child` to `parent` (which takes its own reference) and returns the child.
inline xmpp_stanza_t* add(xmpp_stanza_t* parent, const stanza_ptr& child) {
  xmpp_stanza_add_child(parent, child.get());
  return child.get();
}

/// Adds <name>text</name> to `parent`.
inline void add_text_child(xmpp_ctx_t* ctx, xmpp_stanza_t* parent, const char* name,
                           const std::string& text) {
  auto e = element(ctx, name);
  stanza_ptr t{xmpp_stanza_new(ctx)};
  xmpp_stanza_set_text(t.get(), text.c_str());
  xmpp_stanza_add_child(e.get(), t.get());
  xmpp_stanza_add_child(parent, e.get());
}

} // namespace otrbot::xmpp
