// Who the bot is on XMPP, as stanzas: service discovery (XEP-0030), software version (XEP-0092),
// its avatar (XEP-0084 over PEP, XEP-0153 through the vCard of XEP-0054) and its status line.
// Built with libstrophe, sent by xmpp_client; no I/O here.
#pragma once

#include "transport/xmpp/identity.hpp"
#include "transport/xmpp/strophe_ptr.hpp"

#include <string>
#include <vector>

namespace otrbot::xmpp {

/// The features the bot answers to (XEP-0030 3.1), sorted.
const std::vector<std::string>& features();

/// The result of a disco#info request (XEP-0030 3.1): identity client/bot and features().
/// Requests for a node get item-not-found (the bot publishes no nodes of its own).
stanza_ptr disco_info_answer(xmpp_ctx_t* ctx, xmpp_stanza_t* request, const identity& me);

/// The result of a software version request (XEP-0092 2.1): name and version, no OS.
stanza_ptr version_answer(xmpp_ctx_t* ctx, xmpp_stanza_t* request, const identity& me);

/// The bot's vCard to store (XEP-0054 3.2): FN, NICKNAME and, with a picture, PHOTO.
stanza_ptr vcard_set(xmpp_ctx_t* ctx, const std::string& id, const identity& me);

/// XEP-0084 4.1 and 4.2: the picture's data, then its metadata, published to the bot's PEP.
stanza_ptr avatar_data_publish(xmpp_ctx_t* ctx, const std::string& id, const avatar& a);
stanza_ptr avatar_metadata_publish(xmpp_ctx_t* ctx, const std::string& id, const avatar& a);

/// Adds to an available presence the status line (unless it has one) and XEP-0153's
/// <x xmlns='vcard-temp:x:update'><photo>sha1</photo></x>.
void decorate_available(xmpp_ctx_t* ctx, xmpp_stanza_t* presence, const identity& me);

} // namespace otrbot::xmpp
