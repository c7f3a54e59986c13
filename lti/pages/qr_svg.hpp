// A QR code as inline SVG (libqrencode gives the modules; the SVG is ours): what a phone scans on
// the OMEMO lesson's page to verify the bot's device.
#pragma once

#include <string>
#include <string_view>

namespace otrbot::lti {

/// An <svg> with `id` and an accessible name (`label`, escaped here) drawing the QR code of
/// `text` (error correction M, a quiet zone of 4 modules). "" when `text` does not fit a QR code.
std::string qr_svg(std::string_view text, std::string_view id, std::string_view label);

} // namespace otrbot::lti
