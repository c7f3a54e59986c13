// Legacy OMEMO's elements from and to XML text (see omemo_stanza.hpp).
#include "transport/omemo/omemo_stanza.hpp"

#include "transport/base/base64.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <sstream>

namespace otrbot::omemo {
namespace {

/// The root element of `xml`, when it is `name` in the legacy namespace; else `why`.
pugi::xml_node root(pugi::xml_document& doc, std::string_view xml, const char* name,
                    std::string& why) {
  auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    why = std::string{"not well-formed XML: "} + parsed.description();
    return {};
  }
  auto node = doc.document_element();
  if (std::string_view{node.name()} != name ||
      std::string_view{node.attribute("xmlns").value()} != legacy_ns) {
    why = std::string{"not a legacy OMEMO <"} + name + ">";
    return {};
  }
  return node;
}

/// The bytes of an element's base64 text (line breaks and spaces, which some clients wrap
/// with, are dropped first).
std::optional<std::string> bytes_of(pugi::xml_node node) {
  std::string text = node.text().get();
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  return base64::decode(text);
}

bool is_true(std::string_view v) { return v == "true" || v == "1"; }

pugi::xml_node add(pugi::xml_node parent, const char* name, std::string_view bytes) {
  auto n = parent.append_child(name);
  n.text().set(base64::encode(bytes).c_str());
  return n;
}

std::string text_of(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

pugi::xml_node new_root(pugi::xml_document& doc, const char* name) {
  auto node = doc.append_child(name);
  node.append_attribute("xmlns").set_value(std::string{legacy_ns}.c_str());
  return node;
}

} // namespace

std::string bundle_node(std::uint32_t device) {
  return std::string{bundles_prefix} + std::to_string(device);
}

std::optional<std::uint32_t> bundle_device(std::string_view node) {
  if (!node.starts_with(bundles_prefix))
    return std::nullopt;
  return parse_device_id(node.substr(bundles_prefix.size()));
}

std::optional<std::uint32_t> parse_device_id(std::string_view text) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text.front() == '0'))
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v == 0 || v > 0x7fffffffu)
    return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::optional<encrypted> parse_encrypted(std::string_view xml, std::string& why) {
  pugi::xml_document doc;
  auto node = root(doc, xml, "encrypted", why);
  if (!node)
    return std::nullopt;
  auto header = node.child("header");
  encrypted e;
  auto sid = parse_device_id(header.attribute("sid").value());
  if (!header || !sid) {
    why = "no <header> with a device id (sid)";
    return std::nullopt;
  }
  e.sid = *sid;
  for (auto k : header.children("key")) {
    auto rid = parse_device_id(k.attribute("rid").value());
    auto data = bytes_of(k);
    if (!rid || !data || data->empty()) {
      why = "a <key> without a device id (rid) or with bad base64";
      return std::nullopt;
    }
    if (e.keys.size() == max_keys) {
      why = "more than " + std::to_string(max_keys) + " keys";
      return std::nullopt;
    }
    e.keys.push_back({*rid, is_true(k.attribute("prekey").value()), std::move(*data)});
  }
  auto iv = bytes_of(header.child("iv"));
  if (!header.child("iv") || !iv || (iv->size() != 12 && iv->size() != 16)) {
    why = "no <iv> of 12 or 16 bytes";
    return std::nullopt;
  }
  e.iv = std::move(*iv);
  if (auto p = node.child("payload")) {
    auto payload = bytes_of(p);
    if (!payload || payload->size() > max_payload) {
      why = "a <payload> with bad base64 or over " + std::to_string(max_payload) + " bytes";
      return std::nullopt;
    }
    e.payload = std::move(*payload);
  }
  return e;
}

std::optional<std::vector<std::uint32_t>> parse_device_list(std::string_view xml, std::string& why) {
  pugi::xml_document doc;
  auto node = root(doc, xml, "list", why);
  if (!node)
    return std::nullopt;
  std::vector<std::uint32_t> out;
  for (auto d : node.children("device")) {
    auto id = parse_device_id(d.attribute("id").value());
    if (!id) {
      why = "a <device> without a valid id";
      return std::nullopt;
    }
    if (std::find(out.begin(), out.end(), *id) != out.end())
      continue;  // named twice: one device
    if (out.size() == max_devices) {
      why = "more than " + std::to_string(max_devices) + " devices";
      return std::nullopt;
    }
    out.push_back(*id);
  }
  return out;
}

std::optional<bundle> parse_bundle(std::string_view xml, std::string& why) {
  pugi::xml_document doc;
  auto node = root(doc, xml, "bundle", why);
  if (!node)
    return std::nullopt;
  bundle b;
  auto spk = node.child("signedPreKeyPublic");
  auto spk_id = parse_device_id(spk.attribute("signedPreKeyId").value());
  auto spk_key = bytes_of(spk);
  auto signature = bytes_of(node.child("signedPreKeySignature"));
  auto identity = bytes_of(node.child("identityKey"));
  if (!spk || !spk_id || !spk_key || !signature || !identity || identity->empty()) {
    why = "a bundle without its signed prekey, signature or identity key";
    return std::nullopt;
  }
  b.signed_prekey_id = *spk_id;
  b.signed_prekey = std::move(*spk_key);
  b.signed_prekey_signature = std::move(*signature);
  b.identity_key = std::move(*identity);
  for (auto pk : node.child("prekeys").children("preKeyPublic")) {
    auto id = parse_device_id(pk.attribute("preKeyId").value());
    auto key = bytes_of(pk);
    if (!id || !key || key->empty()) {
      why = "a prekey without an id or with bad base64";
      return std::nullopt;
    }
    if (b.prekeys.size() == max_prekeys) {
      why = "more than " + std::to_string(max_prekeys) + " prekeys";
      return std::nullopt;
    }
    b.prekeys.push_back({*id, std::move(*key)});
  }
  if (b.prekeys.empty()) {
    why = "a bundle without prekeys";
    return std::nullopt;
  }
  return b;
}

std::string render(const encrypted& e) {
  pugi::xml_document doc;
  auto node = new_root(doc, "encrypted");
  auto header = node.append_child("header");
  header.append_attribute("sid").set_value(std::to_string(e.sid).c_str());
  for (const auto& k : e.keys) {
    auto key = add(header, "key", k.data);
    if (k.prekey)
      key.append_attribute("prekey").set_value("true");
    key.append_attribute("rid").set_value(std::to_string(k.rid).c_str());
  }
  add(header, "iv", e.iv);
  if (e.payload)
    add(node, "payload", *e.payload);
  return text_of(doc);
}

std::string render_device_list(const std::vector<std::uint32_t>& devices) {
  pugi::xml_document doc;
  auto node = new_root(doc, "list");
  for (auto id : devices)
    node.append_child("device").append_attribute("id").set_value(std::to_string(id).c_str());
  return text_of(doc);
}

std::string render(const bundle& b) {
  pugi::xml_document doc;
  auto node = new_root(doc, "bundle");
  add(node, "signedPreKeyPublic", b.signed_prekey)
    .append_attribute("signedPreKeyId")
    .set_value(std::to_string(b.signed_prekey_id).c_str());
  add(node, "signedPreKeySignature", b.signed_prekey_signature);
  add(node, "identityKey", b.identity_key);
  auto prekeys = node.append_child("prekeys");
  for (const auto& pk : b.prekeys)
    add(prekeys, "preKeyPublic", pk.key)
      .append_attribute("preKeyId")
      .set_value(std::to_string(pk.id).c_str());
  return text_of(doc);
}

} // namespace otrbot::omemo
