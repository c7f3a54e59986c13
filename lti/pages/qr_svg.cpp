#include "lti/pages/qr_svg.hpp"

#include <qrencode.h>

#include <memory>

namespace otrbot::lti {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

} // namespace

std::string qr_svg(std::string_view text, std::string_view id, std::string_view label) {
  std::string input{text};
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
    QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!code)
    return {};
  const int width = code->width;
  const int size = width + 8;  // a quiet zone of 4 modules on each side
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each module is its colour (1: dark); runs of dark modules are one rectangle.
      if (!(code->data[y * width + x] & 1))
        continue;
      int run = 1;
      while (x + run < width && (code->data[y * width + x + run] & 1))
        ++run;
      path += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run - 1;
    }
  }
  const auto s = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + escaped(id) + "\" role=\"img\" aria-label=\"" +
         escaped(label) + "\" viewBox=\"0 0 " + s + " " + s + "\" width=\"" + std::to_string(size * 5) +
         "\" height=\"" + std::to_string(size * 5) + "\" shape-rendering=\"crispEdges\"><rect width=\"" +
         s + "\" height=\"" + s + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

} // namespace otrbot::lti
