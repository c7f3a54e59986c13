// Who gets presence and subscriptions: the whitelist rules of RFC 6121 roster handling (pure).
#pragma once

#include "transport/xmpp/xmpp_types.hpp"

#include <set>
#include <string>
#include <vector>

namespace otrbot {

/// What to send to the XMPP server, in this order: roster items to add (none today: presences
/// make them), the presences, then the removals (a farewell must arrive before the roster item
/// goes).
struct xmpp_actions {
  std::vector<xmpp::roster_change> roster;
  std::vector<xmpp::outbound_presence> presences;
  friend bool operator==(const xmpp_actions&, const xmpp_actions&) = default;
};

/// After login: send initial presence, drop roster items that are not whitelisted (RFC 6121 2.5
/// removal also cancels their subscriptions), welcome whitelisted JIDs missing from the roster,
/// ask a subscription from those in it who have neither given one nor been asked, and appear
/// online by a directed presence to those the initial presence does not reach. Nothing else:
/// a login with an unchanged roster writes nothing in the server's storage.
xmpp_actions sync_roster(const std::set<std::string>& whitelist,
                         const std::vector<xmpp::roster_item>& roster);

/// A JID whitelisted at run time (or found missing from the roster at login): pre-approval of
/// the student's own subscription request (RFC 6121 3.4, which makes the roster item), the
/// bot's subscription request, presence.
xmpp_actions welcome(const std::string& jid);

/// A JID leaving the whitelist: a directed unavailable presence whose status
/// says how to start again, then removal from the roster.
xmpp_actions farewell(const std::string& jid, const std::string& status);

/// An incoming presence (RFC 6121 3.1.3): a subscription request from a
/// whitelisted JID is approved and returned; anything from anyone else gets
/// nothing at all, so a stranger learns nothing about the whitelist.
/// The bot also appears online to a whitelisted student who has not subscribed to it (their
/// client shows it offline otherwise: Profanity does, for a roster item that is only `from`):
/// a directed presence (RFC 6121 4.6) to a resource that came online (`new_resource`: the first
/// available presence from it since it was last offline) and to the student who approved the
/// bot's request (`subscribed`).
xmpp_actions answer_presence(bool whitelisted, const xmpp::inbound_presence& p,
                             const std::string& from_bare, bool new_resource = false);

} // namespace otrbot
