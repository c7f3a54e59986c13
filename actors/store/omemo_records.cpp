#include "actors/store/omemo_records.hpp"

#include "lti/wire/json_members.hpp"
#include "transport/base/base64.hpp"
#include "transport/omemo/omemo_stanza.hpp"

#include <nlohmann/json.hpp>

namespace otrbot::store {

using nlohmann::json;
using json_members::integer_member;
using json_members::string_member;

namespace {

constexpr std::int64_t max_id = 0x7fffffff;

json bytes_map(const std::map<std::uint32_t, std::string>& m) {
  json out = json::object();
  for (const auto& [id, bytes] : m)
    out[std::to_string(id)] = base64::encode(bytes);
  return out;
}

/// A map of ids to base64 bytes; false when any entry is not one.
bool read_bytes_map(const json& j, const char* name, std::map<std::uint32_t, std::string>& out,
                    std::string& why) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_object()) {
    why = std::string{name} + " is not an object";
    return false;
  }
  for (const auto& [key, value] : it->items()) {
    auto id = omemo::parse_device_id(key);
    auto bytes = value.is_string() ? base64::decode(value.get<std::string>()) : std::nullopt;
    if (!id || !bytes) {
      why = std::string{"an entry of "} + name + " is not an id and base64 bytes";
      return false;
    }
    out[*id] = std::move(*bytes);
  }
  return true;
}

std::optional<json> object_of(std::string_view text, std::string& why) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    why = "not a JSON object";
    return std::nullopt;
  }
  return j;
}

} // namespace

std::string encode(const omemo::own_device_record& r) {
  json retired = json::object();
  for (const auto& [id, deadline] : r.retired)
    retired[std::to_string(id)] = deadline;
  return json{{"device_id", r.device_id},
              {"identity_public", base64::encode(r.identity_public)},
              {"identity_private", base64::encode(r.identity_private)},
              {"signed_prekey_id", r.signed_prekey_id},
              {"signed_prekey", base64::encode(r.signed_prekey)},
              {"prekeys", bytes_map(r.prekeys)},
              {"retired", retired},
              {"next_prekey_id", r.next_prekey_id}}
    .dump();
}

std::string encode(const omemo::peer_record& r) {
  return json{{"sessions", bytes_map(r.sessions)}, {"identities", bytes_map(r.identities)}}.dump();
}

std::optional<omemo::own_device_record> decode_own_device(std::string_view text, std::string& why) {
  auto j = object_of(text, why);
  if (!j)
    return std::nullopt;
  omemo::own_device_record r;
  auto id = integer_member(*j, "device_id", 1, max_id);
  auto signed_id = integer_member(*j, "signed_prekey_id", 0, max_id);
  auto next = integer_member(*j, "next_prekey_id", 1, 0xFFFFFE);
  auto pub = base64::decode(string_member(*j, "identity_public"));
  auto priv = base64::decode(string_member(*j, "identity_private"));
  auto signed_key = base64::decode(string_member(*j, "signed_prekey"));
  if (!id || !signed_id || !next || !pub || !priv || !signed_key) {
    why = "a member of the device is missing or out of range";
    return std::nullopt;
  }
  r.device_id = static_cast<std::uint32_t>(*id);
  r.signed_prekey_id = static_cast<std::uint32_t>(*signed_id);
  r.next_prekey_id = static_cast<std::uint32_t>(*next);
  r.identity_public = std::move(*pub);
  r.identity_private = std::move(*priv);
  r.signed_prekey = std::move(*signed_key);
  if (!read_bytes_map(*j, "prekeys", r.prekeys, why))
    return std::nullopt;
  auto retired = j->find("retired");
  if (retired == j->end() || !retired->is_object()) {
    why = "retired is not an object";
    return std::nullopt;
  }
  for (const auto& [key, value] : retired->items()) {
    auto rid = omemo::parse_device_id(key);
    auto deadline = integer_member(json{{"d", value}}, "d", 0);
    if (!rid || !deadline) {
      why = "an entry of retired is not an id and a time";
      return std::nullopt;
    }
    r.retired[*rid] = *deadline;
  }
  return r;
}

std::optional<omemo::peer_record> decode_peer(std::string_view text, std::string& why) {
  auto j = object_of(text, why);
  if (!j)
    return std::nullopt;
  omemo::peer_record r;
  if (!read_bytes_map(*j, "sessions", r.sessions, why) ||
      !read_bytes_map(*j, "identities", r.identities, why))
    return std::nullopt;
  return r;
}

} // namespace otrbot::store
