#pragma once
// What every provider parser promises, whatever bytes arrive: no crash (the sanitizers watch),
// and a batch the store can take — every contact names its message and its sender, every media
// reference points at a contact.
#include <cstdlib>

#include "protocol/messaging.hpp"

namespace touchpoint::fuzz {

inline void check(const WebhookBatch& b) {
  for (const auto& c : b.contacts)
    if (c.external_id.empty() || c.from.empty() || c.channel_name.empty()) std::abort();
  for (const auto& m : b.media)
    if (m.contact >= b.contacts.size()) std::abort();
  for (const auto& r : b.receipts)
    if (r.provider_id.empty() || (r.status != "sent" && r.status != "delivered" &&
                                  r.status != "read" && r.status != "failed"))
      std::abort();
}

}  // namespace touchpoint::fuzz
