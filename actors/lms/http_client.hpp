// Blocking HTTP(S) requests with libcurl, for the actors that talk to an LMS on threads of their
// own (grades, key sets, token and registration endpoints). Never called on a scheduler thread.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace otrbot::http {

struct request {
  std::string method = "GET";  ///< GET or POST
  std::string url;
  std::string body;                  ///< for POST
  std::vector<std::string> headers;  ///< "Name: value"
  std::string pinned;                ///< "host:port:addresses" (CURLOPT_RESOLVE), or ""
  std::chrono::seconds timeout{20};
  std::atomic<bool>* stopping = nullptr;  ///< set: the transfer is aborted
};

struct answer {
  long status = 0;    ///< 0: no HTTP answer (see error)
  std::string body;   ///< at most 1 MiB of it
  std::string error;  ///< libcurl's reason when there was no answer
};

/// One request (http and https only; TLS verified against the system's CAs).
answer perform(const request& r);

/// Where a request to `url` may go: an http(s) URL whose host resolves to public addresses only
/// (unless `allow_private`), so that a URL from an LMS cannot turn the bot into a request
/// forwarder into the school's network. Returns "host:port:address[,address...]" for
/// request::pinned (the connection goes where the check looked, never to a second lookup's
/// answer), or "" and `why`.
std::string checked_destination(const std::string& url, bool allow_private, std::string& why);

} // namespace otrbot::http
