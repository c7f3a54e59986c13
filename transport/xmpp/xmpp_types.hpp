// Plain data the XMPP client hands out and takes in (no libstrophe, no CAF).
#pragma once

#include <string>
#include <vector>

namespace otrbot::xmpp {

/// A chat message from someone (already filtered: no carbons, no forwards,
/// no errors, and a non-empty body or an encrypted element).
struct inbound_message {
  std::string from;  ///< full JID as received
  std::string body;
  /// A legacy OMEMO <encrypted> element's XML, when the message carries one (its body is then
  /// only the fallback text of the sender's program).
  std::string element{};
  friend bool operator==(const inbound_message&, const inbound_message&) = default;
};

/// A presence stanza (RFC 6121 section 4): type is "available" when absent.
struct inbound_presence {
  std::string from;
  std::string type;
  std::string caps_node{};  ///< XEP-0115: the sender's software ("https://profanity-im.github.io")
  friend bool operator==(const inbound_presence&, const inbound_presence&) = default;
};

/// Ask a full JID which software it runs (XEP-0092).
struct software_query {
  std::string to;
  friend bool operator==(const software_query&, const software_query&) = default;
};

/// What a student's client says it is: XEP-0092's name (empty when it did not answer) or a
/// XEP-0115 caps node from its presence.
struct inbound_software {
  std::string from;
  std::string name;
  std::string caps_node;
  friend bool operator==(const inbound_software&, const inbound_software&) = default;
};

/// One roster item (RFC 6121 section 2.1.2).
struct roster_item {
  std::string jid;
  std::string subscription;  ///< none, to, from, both
  bool ask_subscribe = false;
  friend bool operator==(const roster_item&, const roster_item&) = default;
};

/// A message to send.
struct outbound_message {
  std::string to;
  std::string body;
  /// An element to carry (XML; legacy OMEMO's <encrypted>), "" for none. With one, the body is
  /// the fallback text, and the message asks to be stored (XEP-0334) and names its encryption
  /// (XEP-0380).
  std::string element{};
  friend bool operator==(const outbound_message&, const outbound_message&) = default;
};

/// A presence to send; type "available" sends no type attribute.
struct outbound_presence {
  std::string to;
  std::string type;
  std::string status;
  friend bool operator==(const outbound_presence&, const outbound_presence&) = default;
};

/// A roster change to request (RFC 6121 2.4 add, 2.5 remove).
struct roster_change {
  std::string jid;
  bool remove = false;
  friend bool operator==(const roster_change&, const roster_change&) = default;
};

/// An item the bot publishes to one of its own PEP nodes (XEP-0163), readable by anyone: OMEMO's
/// device list and bundles.
struct pep_item {
  std::string node;
  std::string item_id;
  std::string payload_xml;  ///< one element
  friend bool operator==(const pep_item&, const pep_item&) = default;
};

/// Read the newest item of a PEP node of another account (XEP-0060 6.5.7: max_items 1): a
/// student's OMEMO device list or a device's bundle.
struct pep_query {
  std::string to;  ///< the account's bare JID
  std::string node;
  friend bool operator==(const pep_query&, const pep_query&) = default;
};

/// The answer to a pep_query: the item's payload (one element, as XML), "" when the node has
/// no item, does not exist, or the server refused.
struct inbound_pep {
  std::string from;  ///< the account asked (the query's `to`)
  std::string node;
  std::string payload_xml;
  friend bool operator==(const inbound_pep&, const inbound_pep&) = default;
};

/// Why a connection ended or could not be made.
enum class failure {
  /// No failure: a clean disconnect we asked for.
  none,
  /// The server could not be reached or the connection dropped: retry.
  unreachable,
  /// The server refused the credentials (SASL failure): exit 6.
  auth_refused,
  /// The server certificate did not verify against ca_certs and the domain: exit 7.
  cert_untrusted,
  /// The TLS handshake failed on the version/cipher policy: exit 127.
  tls_policy,
  /// TLS was required but the server does not offer it: exit 127.
  tls_unavailable,
};

const char* to_string(failure f) noexcept;

/// Whether a failure ends the bot (true) or is retried (false).
bool is_fatal(failure f) noexcept;

} // namespace otrbot::xmpp
