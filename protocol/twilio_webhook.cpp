#include "protocol/twilio_webhook.hpp"

#include <algorithm>

#include "protocol/utf8.hpp"
#include "protocol/identity.hpp"
#include "protocol/signature.hpp"

namespace touchpoint::protocol {
namespace {

const std::string* find(const FormPairs& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

// Form values are percent-decoded bytes: invalid UTF-8 becomes U+FFFD, never stored.
std::string value(const FormPairs& params, std::string_view name) {
  auto* v = find(params, name);
  return v ? repair_utf8(*v) : std::string();
}

// The URL with its port removed, and with the scheme's default port made explicit.
std::pair<std::string, std::string> port_variants(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {std::string(url), std::string(url)};
  std::string_view scheme = url.substr(0, scheme_end);
  std::size_t host_start = scheme_end + 3;
  std::size_t host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  std::string_view authority = url.substr(host_start, host_end - host_start);
  std::string_view rest = url.substr(host_end);
  std::string_view host = authority, port;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos &&
                                         authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  std::string base = std::string(scheme) + "://" + std::string(host);
  std::string with_port = base + ":" +
                          (port.empty() ? (scheme == "https" ? "443" : "80") : std::string(port)) +
                          std::string(rest);
  return {base + std::string(rest), with_port};
}

// Twilio's MessageStatus in our words; empty for the states before "sent".
std::string receipt_status(std::string_view s) {
  if (s == "sent" || s == "delivered" || s == "read") return std::string(s);
  if (s == "failed" || s == "undelivered" || s == "canceled") return "failed";
  return {};
}

}  // namespace

std::string twilio_signature(std::string_view auth_token, std::string_view url, const FormPairs& params) {
  FormPairs sorted = params;
  std::sort(sorted.begin(), sorted.end());
  std::string data(url);
  for (const auto& [k, v] : sorted) data += k + v;
  return hmac_sha1_base64(auth_token, data);
}

bool verify_twilio_signature(std::string_view auth_token, std::string_view url,
                             const FormPairs& params, std::string_view header) {
  if (auth_token.empty() || header.empty()) return false;
  auto [without_port, with_port] = port_variants(url);
  bool a = constant_time_equals(header, twilio_signature(auth_token, without_port, params));
  bool b = constant_time_equals(header, twilio_signature(auth_token, with_port, params));
  return a || b;
}

WebhookBatch parse_twilio_webhook(std::string_view channel_name, const FormPairs& params) {
  WebhookBatch out;
  std::string sid = value(params, "MessageSid");
  if (sid.empty()) sid = value(params, "SmsSid");
  if (sid.empty()) return out;
  std::string status = value(params, "MessageStatus");
  if (status.empty()) status = value(params, "SmsStatus");
  if (!status.empty() && status != "received") {
    std::string ours = receipt_status(status);
    if (ours.empty()) return out;
    DeliveryReceipt r{sid, ours, ""};
    if (ours == "failed") {
      r.error = value(params, "ErrorCode");
      if (auto m = value(params, "ErrorMessage"); !m.empty()) r.error += (r.error.empty() ? "" : ": ") + m;
      if (r.error.empty()) r.error = "Twilio reported the message " + status;
      else r.error = "Twilio error " + r.error;
    }
    out.receipts.push_back(std::move(r));
    return out;
  }

  std::string from = value(params, "From");
  constexpr std::string_view kWa = "whatsapp:";
  bool whatsapp = from.compare(0, kWa.size(), kWa) == 0;
  auto phone = normalize_phone(whatsapp ? std::string_view(from).substr(kWa.size()) : from);
  if (!phone) return out;  // a short code or alphanumeric sender: no one to answer

  InboundContact c;
  c.channel_type = "twilio";
  c.channel_name = std::string(channel_name);
  c.external_id = sid;
  c.thread_key = from;  // replies go back to exactly this address
  if (whatsapp) c.from = {{"whatsapp", *phone}, {"phone", *phone}};
  else c.from = {{"phone", *phone}};
  c.from_name = value(params, "ProfileName");
  c.text = value(params, "Body");
  if (auto lat = value(params, "Latitude"), lon = value(params, "Longitude"); !lat.empty() && !lon.empty())
    c.text = location_text(std::atof(lat.c_str()), std::atof(lon.c_str()), "", value(params, "Address"));
  int media = std::clamp(std::atoi(value(params, "NumMedia").c_str()), 0, 10);
  for (int i = 0; i < media; ++i) {
    std::string url = value(params, "MediaUrl" + std::to_string(i));
    std::string type = value(params, "MediaContentType" + std::to_string(i));
    if (url.empty()) continue;
    std::string kind = type.substr(0, type.find('/'));
    if (kind.empty()) kind = "file";
    c.text += (c.text.empty() ? "" : "\n") + ("[" + kind + "]");
    out.media.push_back({0, kind, url, type, ""});
  }
  c.subject = subject_from_text(c.text);
  out.contacts.push_back(std::move(c));
  return out;
}

}  // namespace touchpoint::protocol
