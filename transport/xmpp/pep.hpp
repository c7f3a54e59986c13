// Publishing to the bot's own PEP nodes (XEP-0163) what anyone may fetch: each item with
// publish-options asking for the open access model (XEP-0060 7.1.5; mod_pep's default is
// "presence", and OMEMO's nodes must be readable by students not yet in the roster), and the
// node's configuration for a node that exists already with another model (the server then
// answers precondition-not-met); reading another account's newest item. Built with libstrophe;
// no connection needed.
#pragma once

#include "transport/xmpp/strophe_ptr.hpp"
#include "transport/xmpp/xmpp_types.hpp"

#include <cstddef>
#include <string>

namespace otrbot::xmpp {

/// <iq type='set'><pubsub><publish node=…><item id=…>payload</item></publish>
/// <publish-options>… access_model=open …</publish-options></pubsub></iq>; null when the
/// payload is not one well-formed element.
stanza_ptr pep_publish_open(xmpp_ctx_t* ctx, const std::string& id, const pep_item& item);

/// <iq type='set'><pubsub xmlns='…#owner'><configure node=…> access_model=open </configure>.
stanza_ptr pep_configure_open(xmpp_ctx_t* ctx, const std::string& id, const std::string& node);

/// <iq type='get' to=…><pubsub><items node=… max_items='1'/></pubsub></iq>.
stanza_ptr pep_items_get(xmpp_ctx_t* ctx, const std::string& id, const pep_query& q);

/// The payload of the first item of a pubsub result (one element, as XML, at most `limit`
/// bytes), "" for an error, no item, or a larger payload.
std::string pep_first_payload(xmpp_ctx_t* ctx, xmpp_stanza_t* result, std::size_t limit);

} // namespace otrbot::xmpp
