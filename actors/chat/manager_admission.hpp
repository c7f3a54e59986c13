// The session manager's admission: who may talk to the bot. Whitelisting (from the config, the
// pages and the admin API, within each source's limit, stored first), the claims of page visits
// on a JID until its word proves it, message rates, and which presences and messages reach a
// session. Internal to the session manager.
#pragma once

#include "actors/chat/session_manager.hpp"

#include <caf/result.hpp>

#include <string>

namespace otrbot::manager_admission {

using manager_ptr = session_manager_actor::stateful_pointer<session_manager_state>;

/// A presence: answered (subscriptions, directed presence) for whitelisted JIDs only; an
/// available one starts the student's session (its key is made while they read).
void on_presence(manager_ptr self, xmpp::inbound_presence& p);

/// A message: to the student's session when whitelisted and within the rate; a claimed JID's
/// message that carries its word binds the claim first; everyone else gets nothing.
void on_message(manager_ptr self, xmpp::inbound_message& m);

/// A student's program named itself (XEP-0092): one with OMEMO and no OTR gets the OMEMO lesson
/// (a session still at its first step is replaced); the session hears the name either way.
void on_software(manager_ptr self, xmpp::inbound_software& s);

/// What a student's account publishes (an answer to a PEP read): an OMEMO device list makes the
/// lesson OMEMO's, as on_software; the session gets the item either way.
void on_published(manager_ptr self, xmpp::inbound_pep& p);

/// Whitelists `jid` for `source` (the pages, the admin API) once the store keeps it.
caf::result<bool> add_jid(manager_ptr self, const store::whitelist_request& r);

/// A page visit's claim on a JID, until the JID sends its word.
caf::result<claim_state> claim_jid(manager_ptr self, jid_claim& c);

/// Removes `jid` from the whitelist (answered once the removal is stored) and ends its session.
caf::result<bool> remove_jid(manager_ptr self, const std::string& bare);

/// On the manager's tick: claims past their hour go, with the rates of JIDs that only claimed.
void sweep(manager_ptr self);

} // namespace otrbot::manager_admission
