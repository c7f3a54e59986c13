// libcurl requests.
#include "actors/lms/http_client.hpp"

#include "transport/net/address.hpp"
#include "transport/net/dns.hpp"

#include <curl/curl.h>

#include <memory>

namespace otrbot::http {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 1 << 20)  // a response is small; stop keeping more than 1 MiB
    s->append(data, size * n);
  return size * n;
}

/// libcurl's progress callback: a non-zero answer aborts the transfer.
int abort_when_stopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return stopping && static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

} // namespace

answer perform(const request& r) {
  answer a;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl{curl_easy_init(), curl_easy_cleanup};
  if (!curl) {
    a.error = "libcurl could not start";
    return a;
  }
  curl_slist* pinned = r.pinned.empty() ? nullptr : curl_slist_append(nullptr, r.pinned.c_str());
  curl_slist* headers = nullptr;
  for (const auto& h : r.headers)
    headers = curl_slist_append(headers, h.c_str());
  if (pinned)
    curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, pinned);
  curl_easy_setopt(curl.get(), CURLOPT_URL, r.url.c_str());
  if (r.method == "POST") {
    curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, r.body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, abort_when_stopping);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, r.stopping);
  auto rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  curl_slist_free_all(pinned);
  if (rc != CURLE_OK) {
    a.error = curl_easy_strerror(rc);
    return a;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &a.status);
  return a;
}

std::string checked_destination(const std::string& url, bool allow_private, std::string& why) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u{curl_url(), curl_url_cleanup};
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  bool parsed = u && curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
                curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
  std::string s = scheme ? scheme : "", h = host ? host : "", p = port ? port : "";
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  if (!parsed || (s != "http" && s != "https")) {
    why = "the URL is not an http(s) URL";
    return {};
  }
  auto bare = h.size() > 2 && h.front() == '[' ? h.substr(1, h.size() - 2) : h;
  std::string error;
  auto found = net::resolve_addresses(bare, error);
  if (found.empty()) {
    why = "the URL's host " + h + " does not resolve";
    return {};
  }
  for (const auto& text : found)
    if (!allow_private && !net::is_public_ip(text)) {
      why = "the URL's host " + h + " is at " + text +
            ", a loopback or private address (not allowed for this LMS)";
      return {};
    }
  // Every address the check saw (curl tries them in turn), none it did not.
  std::string addresses;
  for (const auto& text : found) {
    auto one = text.find(':') != std::string::npos ? "[" + text + "]" : text;
    if (("," + addresses + ",").find("," + one + ",") != std::string::npos)
      continue;
    addresses += (addresses.empty() ? "" : ",") + one;
  }
  return bare + ":" + p + ":" + addresses;
}


} // namespace otrbot::http
