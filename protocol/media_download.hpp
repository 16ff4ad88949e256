#pragma once
// Fetching the media a customer sent: how each provider's reference becomes bytes. Pure: the
// server's MediaFetcher does the HTTP. Paths are relative to the channel's api_base.
//   whatsapp   GET /{media_id} (Bearer) -> {"url"}; GET url (Bearer) -> bytes
//   telegram   GET /bot{token}/getFile?file_id= -> {"result":{"file_path"}};
//              GET /file/bot{token}/{file_path} -> bytes
//   messenger, instagram  GET url (a CDN link in the webhook) -> bytes
//   twilio     GET MediaUrl (Basic auth; redirects to a CDN) -> bytes
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace touchpoint {

// One durable download job, as the store hands it out.
struct MediaJob {
  int64_t id = 0, message_id = 0, ticket_id = 0;
  std::string channel_type, channel_name, kind, ref, content_type, filename;
  int64_t attempts = 0;
};

// What one download attempt came to. stored: bytes holds the file.
enum class MediaFetchKind { stored, retry, failed };
struct MediaOutcome {
  MediaFetchKind kind = MediaFetchKind::retry;
  std::string bytes, content_type, error;
};

namespace protocol {

inline constexpr std::size_t kMaxMediaBytes = 25 * 1024 * 1024;

// WhatsApp's and Telegram's first step: which path resolves the reference.
std::string whatsapp_media_path(std::string_view media_id);
std::string telegram_get_file_path(std::string_view bot_token, std::string_view file_id);
// Their answers: the URL (WhatsApp) or path under /file/bot{token}/ (Telegram) to download.
Result<std::string> whatsapp_media_url(std::string_view body);
Result<std::string> telegram_file_download_path(std::string_view bot_token, std::string_view body);

// The name an attachment gets when the provider gave none: "image-42.jpg".
std::string media_filename(const MediaJob& job);

}  // namespace protocol
}  // namespace touchpoint
