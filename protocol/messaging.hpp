#pragma once
// What a messaging provider's webhook delivery carries, once parsed: contacts to ingest,
// receipts for messages we sent, and media still to fetch. Shared by the WhatsApp, Messenger,
// Instagram, Telegram and Twilio parsers (pure), the store and the webhook routes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/model.hpp"

namespace touchpoint {

// A provider's word on a message we sent. status: sent | delivered | read | failed.
struct DeliveryReceipt {
  std::string provider_id;
  std::string status;
  std::string error;  // failed: the provider's own words
};

// "Everything we sent on this thread up to this time was read" (Messenger read watermarks).
struct ReadWatermark {
  std::string thread_key;
  int64_t until = 0;  // unix seconds
};

// Media a contact carried that must be downloaded from the provider, authenticated.
// ref: a media id (WhatsApp), file id (Telegram) or URL (Messenger, Twilio).
struct MediaRef {
  std::size_t contact = 0;  // index into WebhookBatch::contacts
  std::string kind;         // image | video | audio | document | sticker | file
  std::string ref;
  std::string content_type;
  std::string filename;
};

struct WebhookBatch {
  std::vector<InboundContact> contacts;
  std::vector<DeliveryReceipt> receipts;
  std::vector<ReadWatermark> reads;
  std::vector<MediaRef> media;
  bool empty() const { return contacts.empty() && receipts.empty() && reads.empty(); }
};

namespace protocol {

// A ticket subject for channels without one: the first line of the text, at most 80
// characters (never cut inside a UTF-8 sequence), "(no text)" when empty.
std::string subject_from_text(std::string_view text);

// Readable text for what is not text (a location, a shared contact, a sticker), so the agent's
// view and the search index hold something meaningful.
std::string location_text(double latitude, double longitude, std::string_view name,
                          std::string_view address);

// Delivery statuses move forward only: queued < sent < delivered < read; failed is final and
// may follow anything but read. True when `next` may replace `current`.
bool delivery_moves_forward(std::string_view current, std::string_view next);

}  // namespace protocol
}  // namespace touchpoint
