// Jabber IDs: parsing and preparation (RFC 6122 via ICU stringprep), pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otrbot::xmpp {

/// A prepared JID: localpart@domainpart/resourcepart (RFC 6122 section 2).
struct jid {
  std::string local;
  std::string domain;
  std::string resource;

  /// local@domain (or domain alone).
  std::string bare() const;
  /// The whole JID, with the resource when there is one.
  std::string full() const;
  friend bool operator==(const jid&, const jid&) = default;
};

/// A bare JID, made only from a parsed one: what crosses from the edge that parsed it (the pages,
/// the admin API, the settings) to the session manager, which needs not parse it again. Empty
/// only when default-made (message types must be).
class bare_jid {
public:
  bare_jid() = default;
  explicit bare_jid(const jid& parsed) : text_(parsed.bare()) {}
  const std::string& str() const noexcept { return text_; }
  bool empty() const noexcept { return text_.empty(); }
  friend bool operator==(const bare_jid&, const bare_jid&) = default;
  friend auto operator<=>(const bare_jid&, const bare_jid&) = default;
  /// CAF renders (and could copy) it by its text.
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, bare_jid& x) {
    return f(x.text_);
  }

private:
  std::string text_;
};

/// The outcome of parsing: a JID, or why the text is not one.
struct jid_result {
  std::optional<jid> value;
  std::string error;  ///< empty on success
  explicit operator bool() const noexcept { return value.has_value(); }
  /// The parsed JID's bare form (call only when parsing succeeded).
  bare_jid bare() const { return bare_jid{*value}; }
};

/// Parses and prepares a JID: nodeprep for the localpart, nameprep (and
/// lower case) for the domain, resourceprep for the resource; each part at
/// most 1023 bytes; empty parts refused.
jid_result parse_jid(std::string_view text);

/// Parses a JID that must be bare (no resource): for whitelists and accounts.
jid_result parse_bare_jid(std::string_view text);

/// The bare form of a JID as received on the wire, or an empty string when it
/// does not parse.
std::string bare_of(std::string_view text);

} // namespace otrbot::xmpp
