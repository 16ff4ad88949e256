#pragma once
// WebSocket framing (RFC 6455 §5) for the server side of a connection, after the handshake.
//
// Frames a server sends are never masked, so one encoded frame is the same bytes for every
// client: live events are framed once and the same buffer is written to every console, many
// frames per write. Frames a client sends are always masked; WsFrameReader unmasks them and
// refuses what RFC 6455 forbids (unmasked client frames, reserved bits, fragmented or oversized
// control frames, messages past a size limit).
//
// Pure: no sockets. Not thread-safe (one reader per connection).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace touchpoint::protocol {

enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// One complete, unmasked frame with FIN set. Control frames carry at most 125 bytes (longer
// payloads are cut to 125).
std::string ws_frame(WsOpcode opcode, std::string_view payload);
inline std::string ws_text_frame(std::string_view payload) { return ws_frame(WsOpcode::text, payload); }
// A close frame with a status code (1000 normal, 1002 protocol error, 1009 too big, ...).
std::string ws_close_frame(std::uint16_t code, std::string_view reason = {});

struct WsMessage {
  WsOpcode opcode;  // text, binary, close, ping or pong (continuations are joined)
  std::string payload;
};

class WsFrameReader {
 public:
  explicit WsFrameReader(std::size_t max_message) : max_message_(max_message) {}

  // Appends bytes read from the socket.
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole message, if the bytes fed so far complete one. A control frame arriving in
  // the middle of a fragmented message is returned on its own, as RFC 6455 allows.
  std::optional<WsMessage> next();
  // Set once the peer broke the protocol; the close code to send (1002 or 1009).
  std::optional<std::uint16_t> error() const { return error_; }

 private:
  std::optional<WsMessage> fail(std::uint16_t code);
  std::size_t max_message_;
  std::string buffer_;
  std::string partial_;  // payload of a fragmented message so far
  std::optional<WsOpcode> partial_opcode_;
  std::optional<std::uint16_t> error_;
};

}  // namespace touchpoint::protocol
