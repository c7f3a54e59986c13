// A thin C++ facade over one libstrophe connection: TLS policy, failure
// classification, stanza parsing and building. Driven by one thread.
#pragma once

#include "transport/xmpp/identity.hpp"
#include "transport/xmpp/wire_log.hpp"
#include "transport/xmpp/xmpp_types.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace otrbot::xmpp {

struct client_options {
  std::string jid;        ///< bare JID of the bot
  /// The resource to bind (empty: the server picks one). The bot keeps one across restarts, so
  /// that after a kill -9 its new login replaces the old session at once: a server with XEP-0198
  /// would otherwise keep that one (and what clients send to its full JID) for minutes.
  std::string resource;
  std::string password;
  std::string host;       ///< empty: the JID's domain (SRV lookup by libstrophe)
  unsigned short port = 5222;
  bool direct_tls = false;        ///< TLS from the first byte (xmpps)
  bool enable_tls = true;         ///< false only for loopback (checked by the settings)
  bool allow_plain_text = false;  ///< PLAIN without TLS (loopback only)
  std::string ca_file;
  wire_log_options wire_log;
  /// Who the bot says it is: disco#info and version answers, vCard and PEP avatar published at
  /// each login, the status line and avatar hash of its available presences.
  identity me;
  /// false: log in only (otrbot check-config), publishing nothing.
  bool publish_identity = true;
  /// Published (readable by anyone) at each login: the OMEMO device list and bundles.
  std::vector<pep_item> pep_items;
};

/// Callbacks, all called on the thread that calls run_once().
struct client_events {
  std::function<void(const std::string& bound_jid)> connected;
  std::function<void(failure, const std::string& detail)> disconnected;
  std::function<void(inbound_message)> message;
  std::function<void(inbound_presence)> presence;
  std::function<void(std::vector<roster_item>)> roster;
  std::function<void(inbound_software)> software;  ///< an answer to a software_query
  std::function<void(inbound_pep)> pep;            ///< an answer to a pep_query
};

/// One XMPP client connection at a time. Not thread-safe: one thread owns it
/// (libstrophe keeps one context per process and waits with select()).
class xmpp_client {
public:
  xmpp_client(client_options opts, client_events events, std::shared_ptr<spdlog::logger> log);
  ~xmpp_client();
  xmpp_client(const xmpp_client&) = delete;
  xmpp_client& operator=(const xmpp_client&) = delete;

  /// Starts a connection attempt; the outcome arrives as connected() or
  /// disconnected(). Returns false when the attempt could not even start
  /// (disconnected() has then been called).
  bool connect();

  /// Runs libstrophe's event loop once, waiting at most `timeout`.
  void run_once(std::chrono::milliseconds timeout);

  /// True between connected() and disconnected().
  bool online() const noexcept;
  /// True when no connection or attempt is in progress.
  bool idle() const noexcept;

  void send(const outbound_message& m);
  void send(const outbound_presence& p);
  void send(const roster_change& r);
  /// Asks for the software version (XEP-0092); the answer comes as software(), with an empty
  /// name when the client refused or does not know the request.
  void send(const software_query& q);
  /// Publishes (or publishes again) an item to one of the bot's PEP nodes, readable by anyone;
  /// the outcome is logged.
  void send(const pep_item& item);
  /// Reads the newest item of another account's PEP node; the answer comes as pep() (with an
  /// empty payload when there is none).
  void send(const pep_query& q);

  /// Closes the stream politely; disconnected(failure::none, ...) follows.
  void disconnect();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// Initialises libstrophe (and with it OpenSSL) once per process; call after
/// the TLS policy has been loaded into OpenSSL.
void initialize_library();

} // namespace otrbot::xmpp
