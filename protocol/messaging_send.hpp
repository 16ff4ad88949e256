#pragma once
// What we send to messaging providers and how we read their answers. Pure: the adapter in
// server/ does the HTTP. Paths are relative to the channel's api_base.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/model.hpp"
#include "protocol/result.hpp"

namespace touchpoint::protocol {

struct ProviderRequest {
  std::string path;  // appended to api_base
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// "Basic base64(user:password)" for an Authorization header.
std::string basic_auth(std::string_view user, std::string_view password);

ProviderRequest whatsapp_send(const OutboundItem& item, std::string_view phone_number_id,
                              std::string_view access_token);
// A reply with a file (OutboundItem::files, one; its bytes read by the adapter) goes as one
// message with the reply's text as the file's caption.
// WhatsApp: first the upload to the number's media (its answer, read by
// whatsapp_upload_outcome, is "sent" with the media id as provider_id), then the message
// naming that media: an image (JPEG, PNG up to 5 MB), a video (MP4, 3GPP up to 16 MB), else a
// document with its filename.
ProviderRequest whatsapp_media_upload(const OutboundFile& file, std::string_view bytes,
                                      std::string_view phone_number_id, std::string_view access_token);
DeliveryOutcome whatsapp_upload_outcome(int status, std::string_view body, std::string_view network_error);
ProviderRequest whatsapp_send_media(const OutboundItem& item, std::string_view media_id, std::size_t bytes,
                                    std::string_view phone_number_id, std::string_view access_token);
// Telegram: one multipart request, sendPhoto (JPEG, PNG, WebP up to 10 MB) or sendDocument.
// Twilio: the message's MediaUrl (twilio_send), a link Twilio downloads the file from.
ProviderRequest telegram_send_file(const OutboundItem& item, std::string_view bytes, std::string_view bot_token);

ProviderRequest meta_messaging_send(const OutboundItem& item, std::string_view page_id,
                                    std::string_view page_access_token, std::string_view app_secret);
ProviderRequest telegram_send(const OutboundItem& item, std::string_view bot_token);
// media_url: where Twilio downloads the reply's file (protocol/outbound_media.hpp), "" if none.
ProviderRequest twilio_send(const OutboundItem& item, std::string_view account_sid,
                            std::string_view auth_token, std::string_view from,
                            std::string_view status_callback, std::string_view media_url = {});

// The outcome of one send from the provider's answer: sent with the provider's message id;
// retry on network errors, 5xx, 429 and the provider's own rate-limit codes; failed otherwise,
// with the provider's words. status 0: no answer (network_error says why).
DeliveryOutcome whatsapp_outcome(int status, std::string_view body, std::string_view network_error);
DeliveryOutcome meta_messaging_outcome(int status, std::string_view body, std::string_view network_error);
DeliveryOutcome telegram_outcome(int status, std::string_view body, std::string_view network_error);
DeliveryOutcome twilio_outcome(int status, std::string_view body, std::string_view network_error);

}  // namespace touchpoint::protocol
