// The process exit codes: part of the command-line contract in design.md.
#pragma once

namespace otrbot {

enum class exit_code : int {
  /// Everything went as asked.
  ok = 0,
  /// Something unexpected (a bug, or the system refused a resource).
  unknown = 1,
  /// A bad command-line argument, or a missing input file.
  invalid_argument = 2,
  /// A setting is wrong, missing, or insecure (the line names the key).
  bad_setting = 3,
  /// No settings file was found.
  no_settings = 4,
  /// A tool the command needs (such as msgfmt) is not installed.
  missing_dependency = 5,
  /// The XMPP server refused the account's credentials.
  auth_refused = 6,
  /// The XMPP server's certificate did not verify against ca_certs and the domain.
  cert_untrusted = 7,
  /// The store (store.path) cannot be used: its directory is missing or not writable, the
  /// disk is full, another otrbot holds it, or the file is not a sound otrbot database
  /// (left untouched).
  store_unusable = 8,
  /// The TLS handshake did not meet the version/cipher policy.
  tls_policy = 127,
};

constexpr int as_int(exit_code c) noexcept { return static_cast<int>(c); }

} // namespace otrbot
