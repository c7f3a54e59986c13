// The [lti13] table: the tool's key, its outgoing requests, and one table per platform.
#include "conf/table_reader.hpp"
#include "transport/net/address.hpp"

namespace otrbot::conf::detail {
namespace {

/// An https URL, or http to a loopback host (a platform on the same machine, tests).
void check_url(const table_reader& r, const char* name, const std::string& url) {
  auto lower = url;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.starts_with("https://") && url.size() > 8)
    return;
  if (lower.starts_with("http://")) {
    auto rest = url.substr(7);
    auto host = rest.substr(0, rest.find_first_of("/?#"));
    host = host.starts_with('[') ? host.substr(0, host.find(']') + 1) : host.substr(0, host.find(':'));
    if (net::is_loopback(host))
      return;
  }
  refuse(r.key(name), "must be an https:// URL (http:// only to this machine), not \"" + url + "\"");
}

} // namespace

void read_lti13(table_reader& r, lti13_settings& out, const secret_sources& /*src*/) {
  out.enabled = true;
  r.string("private_key_file", out.private_key_file);
  r.string("key_id", out.key_id);
  // One reusable invite in the registration URL let anyone who saw it once register a platform:
  // invites are now made one at a time (otrbot lti13-invite, POST /admin/lti13/invites).
  for (const char* old : {"registration_invite", "registration_invite_env", "registration_invite_file"})
    if (r.has(old))
      refuse(r.key(old), "is no longer used: remove it; an administrator makes a single-use "
                         "registration invite for each platform with `otrbot lti13-invite` or "
                         "POST /admin/lti13/invites (see docs/lms/README.md)");
  r.boolean("allow_private_urls", out.allow_private_urls);
  if (out.key_id.empty() || out.key_id.size() > 100)
    refuse(r.key("key_id"), "must be 1 to 100 characters");
  if (auto* platforms = r.table("platforms")) {
    table_reader pr(*platforms, r.key("platforms"));
    for (auto&& [k, node] : pr.all()) {
      auto key = pr.key(k.str());
      auto* t = node.as_table();
      if (!t)
        refuse(key, std::string{"must be a table with client_id, auth_login_url, auth_token_url "
                                "and key_set_url, not "} + type_name(node.type()));
      std::string issuer{k.str()};
      if (issuer.find_first_of(" \t?#") != std::string::npos)
        refuse(key, "the issuer must be a URL without spaces, query or fragment");
      table_reader tr(*t, key);
      lti13_platform_settings p;
      tr.string("client_id", p.client_id);
      tr.string("auth_login_url", p.auth_login_url);
      tr.string("auth_token_url", p.auth_token_url);
      tr.string("key_set_url", p.key_set_url);
      tr.strings("deployment_ids", p.deployment_ids);
      tr.strings("grade_hosts", p.grade_hosts);
      tr.finish();
      if (p.client_id.empty())
        refuse(tr.key("client_id"), "is needed (the platform shows it when the tool is added)");
      check_url(tr, "auth_login_url", p.auth_login_url);
      check_url(tr, "auth_token_url", p.auth_token_url);
      check_url(tr, "key_set_url", p.key_set_url);
      for (auto& h : p.grade_hosts) {
        std::transform(h.begin(), h.end(), h.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (h.empty() || h.find_first_of(":/?#@ \t") != std::string::npos)
          refuse(tr.key("grade_hosts"), "must hold host names only (no scheme, port or path), "
                                        "not \"" + h + "\"");
      }
      for (const auto& d : p.deployment_ids)
        if (d.empty())
          refuse(tr.key("deployment_ids"), "must not hold an empty deployment id");
      out.platforms[issuer] = std::move(p);
    }
  }
  r.finish();
}

} // namespace otrbot::conf::detail
