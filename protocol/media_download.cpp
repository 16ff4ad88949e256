#include "protocol/media_download.hpp"

#include <rapidjson/document.h>

#include "protocol/json_read.hpp"
#include "protocol/query_string.hpp"

namespace touchpoint::protocol {
namespace {

Error unreadable(const char* what) {
  return Error{Errc::unprocessable, std::string("the provider's answer has no ") + what};
}

std::string extension(std::string_view content_type) {
  static constexpr std::pair<std::string_view, std::string_view> kKnown[] = {
      {"image/jpeg", ".jpg"}, {"image/png", ".png"},       {"image/webp", ".webp"},
      {"image/gif", ".gif"},  {"audio/ogg", ".ogg"},       {"audio/mpeg", ".mp3"},
      {"audio/mp4", ".m4a"},  {"video/mp4", ".mp4"},       {"application/pdf", ".pdf"},
      {"text/plain", ".txt"}, {"video/3gpp", ".3gp"},      {"audio/amr", ".amr"}};
  auto base = content_type.substr(0, content_type.find(';'));
  for (auto [type, ext] : kKnown)
    if (base == type) return std::string(ext);
  return "";
}

}  // namespace

std::string whatsapp_media_path(std::string_view media_id) { return "/" + form_escape(media_id); }

std::string telegram_get_file_path(std::string_view bot_token, std::string_view file_id) {
  return "/bot" + std::string(bot_token) + "/getFile?file_id=" + form_escape(file_id);
}

Result<std::string> whatsapp_media_url(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return unreadable("JSON");
  std::string url = json::text(doc, "url");
  if (url.empty()) return unreadable("url");
  return url;
}

Result<std::string> telegram_file_download_path(std::string_view bot_token, std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !json::flag(doc, "ok")) return unreadable("file");
  const auto* result = json::object(doc, "result");
  std::string path = result ? json::text(*result, "file_path") : "";
  if (path.empty() || path.find("..") != std::string::npos) return unreadable("file_path");
  return "/file/bot" + std::string(bot_token) + "/" + path;
}

std::string media_filename(const MediaJob& job) {
  if (!job.filename.empty()) return job.filename;
  std::string ext = extension(job.content_type);
  if (ext.empty() && job.channel_type == "telegram") {  // Telegram's file paths carry one
    auto dot = job.ref.rfind('.');
    if (dot != std::string::npos && job.ref.size() - dot <= 5) ext = job.ref.substr(dot);
  }
  return (job.kind.empty() ? "file" : job.kind) + "-" + std::to_string(job.message_id) + ext;
}

}  // namespace touchpoint::protocol
