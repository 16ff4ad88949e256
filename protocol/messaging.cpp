#include "protocol/messaging.hpp"

#include <cstdio>

namespace touchpoint::protocol {

std::string subject_from_text(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\r'))
    text.remove_prefix(1);
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.empty()) return "(no text)";
  std::size_t chars = 0, i = 0;
  while (i < text.size() && chars < 80) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    i += len;
    ++chars;
  }
  if (i >= text.size()) return std::string(text);
  return std::string(text.substr(0, i)) + "…";
}

std::string location_text(double latitude, double longitude, std::string_view name,
                          std::string_view address) {
  char coords[64];
  std::snprintf(coords, sizeof coords, "%.6f,%.6f", latitude, longitude);
  std::string out = "Location:";
  if (!name.empty()) out += " " + std::string(name);
  if (!address.empty()) out += (name.empty() ? " " : ", ") + std::string(address);
  out += " https://www.openstreetmap.org/?mlat=" + std::string(coords);
  auto comma = out.rfind(',');
  out.replace(comma, 1, "&mlon=");
  return out;
}

namespace {
int rank(std::string_view s) {
  if (s == "queued") return 0;
  if (s == "sent") return 1;
  if (s == "delivered") return 2;
  if (s == "read") return 3;
  return -1;
}
}  // namespace

bool delivery_moves_forward(std::string_view current, std::string_view next) {
  if (current == "failed") return false;
  if (next == "failed") return current != "read";
  int a = rank(current), b = rank(next);
  return b >= 0 && b > a;
}

}  // namespace touchpoint::protocol
