// JID preparation with ICU's RFC 3920 stringprep profiles.
#include "transport/xmpp/jid.hpp"

#include "i18n/mark.hpp"

#include <unicode/usprep.h>
#include <unicode/ustring.h>

#include <cctype>
#include <memory>
#include <vector>

namespace otrbot::xmpp {
namespace {

constexpr std::size_t max_part_bytes = 1023;

struct sprep_closer {
  void operator()(UStringPrepProfile* p) const noexcept { usprep_close(p); }
};

/// Runs one stringprep profile over UTF-8 text; nullopt when the text is
/// not valid UTF-8 or contains a prohibited code point.
std::optional<std::string> prep(UStringPrepProfileType type, std::string_view in) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UStringPrepProfile, sprep_closer> profile{usprep_openByType(type, &status)};
  if (U_FAILURE(status))
    return std::nullopt;
  std::vector<UChar> src(in.size() + 1);
  int32_t src_len = 0;
  u_strFromUTF8(src.data(), static_cast<int32_t>(src.size()), &src_len, in.data(),
                static_cast<int32_t>(in.size()), &status);
  if (U_FAILURE(status))
    return std::nullopt;
  std::vector<UChar> dst(static_cast<std::size_t>(src_len) * 4 + 16);
  int32_t dst_len = usprep_prepare(profile.get(), src.data(), src_len, dst.data(),
                                   static_cast<int32_t>(dst.size()), USPREP_DEFAULT, nullptr,
                                   &status);
  if (U_FAILURE(status))
    return std::nullopt;
  std::string out(static_cast<std::size_t>(dst_len) * 3 + 1, '\0');
  int32_t out_len = 0;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &out_len, dst.data(), dst_len,
              &status);
  if (U_FAILURE(status))
    return std::nullopt;
  out.resize(static_cast<std::size_t>(out_len));
  return out;
}

jid_result fail(std::string why) { return jid_result{std::nullopt, std::move(why)}; }

} // namespace

std::string jid::bare() const { return local.empty() ? domain : local + "@" + domain; }

std::string jid::full() const { return resource.empty() ? bare() : bare() + "/" + resource; }

jid_result parse_jid(std::string_view text) {
  if (text.empty())
    return fail(N_("the JID is empty"));
  // RFC 6122 2.1: the resource starts at the first '/', the localpart ends at
  // the first '@' before it.
  std::string_view rest = text;
  std::string_view resource;
  bool has_resource = false;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    resource = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    has_resource = true;
  }
  std::string_view local;
  bool has_local = false;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    local = rest.substr(0, at);
    rest = rest.substr(at + 1);
    has_local = true;
  }
  std::string_view domain = rest;
  if (!domain.empty() && domain.back() == '.')
    domain.remove_suffix(1);  // RFC 6122 2.2: a trailing dot is dropped
  if (domain.empty())
    return fail(N_("the JID has no domain"));
  if (has_local && local.empty())
    return fail(N_("the JID has an empty local part before '@'"));
  if (has_resource && resource.empty())
    return fail(N_("the JID has an empty resource after '/'"));

  jid out;
  if (has_local) {
    auto p = prep(USPREP_RFC3920_NODEPREP, local);
    if (!p || p->empty())
      return fail(N_("the local part of the JID contains characters a JID may not have"));
    if (p->size() > max_part_bytes)
      return fail(N_("the local part of the JID is longer than 1023 bytes"));
    out.local = std::move(*p);
  }
  auto d = prep(USPREP_RFC3491_NAMEPREP, domain);
  if (!d || d->empty())
    return fail(N_("the domain of the JID contains characters a domain may not have"));
  if (d->size() > max_part_bytes)
    return fail(N_("the domain of the JID is longer than 1023 bytes"));
  for (char c : *d) {
    auto u = static_cast<unsigned char>(c);
    // ASCII in a domain: letters, digits, '-', '.', and ':' '[' ']' for IPv6 literals.
    if (u < 0x80 && !(std::isalnum(u) || c == '-' || c == '.' || c == ':' || c == '[' || c == ']'))
      return fail(N_("the domain of the JID contains characters a domain may not have"));
  }
  // No empty label: "a..b", ".a", "a.." (RFC 1035 names; one trailing dot was dropped above).
  if (d->front() == '.' || d->back() == '.' || d->find("..") != std::string::npos)
    return fail(N_("the domain of the JID has an empty part between dots"));
  out.domain = std::move(*d);
  if (has_resource) {
    auto r = prep(USPREP_RFC3920_RESOURCEPREP, resource);
    if (!r || r->empty())
      return fail(N_("the resource of the JID contains characters a resource may not have"));
    if (r->size() > max_part_bytes)
      return fail(N_("the resource of the JID is longer than 1023 bytes"));
    out.resource = std::move(*r);
  }
  return jid_result{std::move(out), {}};
}

jid_result parse_bare_jid(std::string_view text) {
  auto r = parse_jid(text);
  if (r && !r.value->resource.empty())
    return fail(N_("the JID must not have a resource (the part after '/')"));
  if (r && r.value->local.empty())
    return fail(N_("the JID needs a local part: name@domain"));
  return r;
}

std::string bare_of(std::string_view text) {
  auto r = parse_jid(text);
  return r ? r.value->bare() : std::string{};
}

} // namespace otrbot::xmpp
