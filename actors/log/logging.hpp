// Log set-up: a coloured console and syslog at log.syslog_address, shared by named loggers.
#pragma once

#include "conf/settings.hpp"

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace otrbot::logging {

/// Installs the console sink and, when log.syslog is on, the syslog sink.
/// Returns warnings to log once everything is up (e.g. a syslog address
/// that is missing: the bot goes on without syslog).
std::vector<std::string> setup(const conf::log_settings& settings);

/// The logger for a component ("xmpp", "manager", "session", ...), sharing
/// the sinks of setup(); usable before setup() (console only).
std::shared_ptr<spdlog::logger> get(const std::string& name);

/// An outside value (an LMS's user_id, ...) fit for a log line: control
/// characters (line breaks, terminal escapes) become \xNN, so that nobody
/// can forge log lines or colour a terminal; at most 200 bytes.
std::string printable(std::string_view outside);

} // namespace otrbot::logging
