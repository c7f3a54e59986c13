// Internal to the XMPP client: small readers of libstrophe's stanzas and log levels, with no
// state (xmpp_handlers.hpp uses them).
#pragma once

#include "transport/xmpp/xmpp_types.hpp"

#include <spdlog/spdlog.h>
#include <strophe.h>

#include <cstring>
#include <string>
#include <vector>

namespace otrbot::xmpp {

inline spdlog::level::level_enum level_of(xmpp_log_level_t l) {
  switch (l) {
    case XMPP_LEVEL_DEBUG: return spdlog::level::debug;
    case XMPP_LEVEL_INFO: return spdlog::level::info;
    case XMPP_LEVEL_WARN: return spdlog::level::warn;
    case XMPP_LEVEL_ERROR: return spdlog::level::err;
  }
  return spdlog::level::debug;
}

/// The condition of an error reply (its first child element that is not <text/>).
inline std::string error_condition(xmpp_stanza_t* stanza) {
  auto* error = xmpp_stanza_get_child_by_name(stanza, "error");
  for (auto* c = error ? xmpp_stanza_get_children(error) : nullptr; c; c = xmpp_stanza_get_next(c))
    if (xmpp_stanza_is_tag(c) && std::strcmp(xmpp_stanza_get_name(c), "text") != 0)
      return xmpp_stanza_get_name(c);
  return "an error";
}

/// The <item/>s of a roster result or push (RFC 6121 2.1): JID, subscription, pending "ask".
inline std::vector<roster_item> roster_items(xmpp_stanza_t* query) {
  std::vector<roster_item> items;
  for (auto* it = xmpp_stanza_get_children(query); it; it = xmpp_stanza_get_next(it)) {
    const char* name = xmpp_stanza_get_name(it);
    const char* jid = xmpp_stanza_get_attribute(it, "jid");
    if (!name || std::strcmp(name, "item") != 0 || !jid)
      continue;
    const char* sub = xmpp_stanza_get_attribute(it, "subscription");
    const char* ask = xmpp_stanza_get_attribute(it, "ask");
    items.push_back({jid, sub ? sub : "none", ask && std::strcmp(ask, "subscribe") == 0});
  }
  return items;
}

} // namespace otrbot::xmpp
