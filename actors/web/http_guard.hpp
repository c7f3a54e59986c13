// The web server's front door (Pistache adapter): every connection passes a framing handler that
// wraps the router's. It counts connections and requests per client address (client_limits),
// frames each request (request_framer) before Pistache's parser sees it, refuses what is bad
// with the right status and closes, and hands the parser one request at a time.
#pragma once

#include "lti/wire/client_limits.hpp"
#include "lti/wire/http_framing.hpp"

#include <pistache/http.h>

#include <memory>

namespace otrbot::lti {

/// The router's handler behind the framing handler, with `limits` shared by all its clones.
std::shared_ptr<Pistache::Http::Handler> guarded(std::shared_ptr<Pistache::Http::Handler> inner,
                                                 framing_limits framing,
                                                 std::shared_ptr<client_limits> limits);

/// A route has taken the request on `response`'s connection; its answer is still to come.
void answer_pending(Pistache::Http::ResponseWriter& response);

/// The answer on `response`'s connection is about to be sent (called before it is, so that the
/// client's next request, which may follow at once, is not taken for a pipelined one). True when
/// the connection is to close after it (a request was pipelined behind it): the answer then
/// says `Connection: close`, and close_when_sent follows.
bool answering(Pistache::Http::ResponseWriter& response);

/// Closes `response`'s connection once `sent` (its answer's write) completes.
void close_when_sent(Pistache::Http::ResponseWriter& response, Pistache::Async::Promise<ssize_t> sent);

} // namespace otrbot::lti
