// Where each HTTP/1.1 request on a connection ends (RFC 9112 6.3), decided before Pistache's
// parser sees the bytes, so that no request is smuggled, dropped or merged (pure). Pistache 0.0.5
// takes the first of two different Content-Lengths, answers 500 to a negative one and throws away
// a second request sent in the same packet; this refuses the first two with the status RFC 9112
// asks for and hands the parser one request at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace otrbot::lti {

/// Sizes a request may have.
struct framing_limits {
  std::size_t max_header_bytes = 16 * 1024;  ///< request line and header fields
  std::size_t max_header_fields = 100;
  std::size_t max_body_bytes = 64 * 1024;
};

/// A request refused before any handler saw it: the status and a short reason (sent as the body).
struct framing_error {
  int status;
  std::string reason;
};

/// One connection's framing. Feed it what arrives; it says how many of those bytes belong to the
/// current request (they go to the parser at once, so its timeouts still see slow clients), when
/// the request is complete, and when the framing is bad (answer the error and close).
class request_framer {
public:
  explicit request_framer(framing_limits limits = {}) : limits_(limits) {}

  struct step {
    std::size_t take = 0;            ///< leading bytes of the input that belong to the request
    bool complete = false;           ///< the request ends with them; the rest is the next one's
    std::optional<framing_error> error;  ///< refuse: nothing more is read from this connection
  };

  /// Reads the next bytes of the connection. After a complete request, call it again only
  /// for the next request (the remainder of the input included).
  step feed(std::string_view bytes);

  /// Whether the current request has begun (any byte of it was read).
  bool started() const { return !head_.empty() || in_body_; }

private:
  std::optional<framing_error> check_head();

  framing_limits limits_;
  std::string head_;         ///< the request line and fields read so far
  bool in_body_ = false;
  std::size_t body_left_ = 0;
};

} // namespace otrbot::lti
