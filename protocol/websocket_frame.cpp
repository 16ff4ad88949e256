#include "protocol/websocket_frame.hpp"

namespace touchpoint::protocol {
namespace {
bool is_control(std::uint8_t opcode) { return opcode & 0x8; }
bool is_known(std::uint8_t opcode) { return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA); }
}  // namespace

std::string ws_frame(WsOpcode opcode, std::string_view payload) {
  auto op = static_cast<std::uint8_t>(opcode);
  if (is_control(op) && payload.size() > 125) payload = payload.substr(0, 125);
  std::string out;
  out.reserve(payload.size() + 10);
  out.push_back(static_cast<char>(0x80 | op));  // FIN
  std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(126);
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  out.append(payload);
  return out;
}

std::string ws_close_frame(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, 123));
  return ws_frame(WsOpcode::close, payload);
}

std::optional<WsMessage> WsFrameReader::fail(std::uint16_t code) {
  error_ = code;
  buffer_.clear();
  partial_.clear();
  return std::nullopt;
}

std::optional<WsMessage> WsFrameReader::next() {
  while (!error_) {
    if (buffer_.size() < 2) return std::nullopt;
    auto b0 = static_cast<std::uint8_t>(buffer_[0]);
    auto b1 = static_cast<std::uint8_t>(buffer_[1]);
    bool fin = b0 & 0x80;
    std::uint8_t op = b0 & 0x0F;
    if (b0 & 0x70) return fail(1002);            // reserved bits: no extension was agreed
    if (!(b1 & 0x80)) return fail(1002);         // a client must mask every frame
    if (!is_known(op)) return fail(1002);
    std::uint64_t len = b1 & 0x7F;
    std::size_t header = 2;
    if (len == 126) {
      if (buffer_.size() < 4) return std::nullopt;
      len = (std::uint64_t{static_cast<std::uint8_t>(buffer_[2])} << 8) |
            static_cast<std::uint8_t>(buffer_[3]);
      header = 4;
    } else if (len == 127) {
      if (buffer_.size() < 10) return std::nullopt;
      len = 0;
      for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<std::uint8_t>(buffer_[i]);
      header = 10;
    }
    if (is_control(op) && (!fin || len > 125)) return fail(1002);
    if (!is_control(op) && partial_.size() + len > max_message_) return fail(1009);
    if (buffer_.size() < header + 4 + len) return std::nullopt;
    const char* mask = buffer_.data() + header;
    std::string payload = buffer_.substr(header + 4, static_cast<std::size_t>(len));
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= mask[i % 4];
    buffer_.erase(0, header + 4 + static_cast<std::size_t>(len));

    if (is_control(op)) return WsMessage{static_cast<WsOpcode>(op), std::move(payload)};
    if (op == 0) {  // continuation
      if (!partial_opcode_) return fail(1002);
      partial_ += payload;
    } else {
      if (partial_opcode_) return fail(1002);  // a new message before the last one ended
      partial_opcode_ = static_cast<WsOpcode>(op);
      partial_ = std::move(payload);
    }
    if (fin) {
      WsMessage m{*partial_opcode_, std::move(partial_)};
      partial_.clear();
      partial_opcode_.reset();
      return m;
    }
  }
  return std::nullopt;
}

}  // namespace touchpoint::protocol
