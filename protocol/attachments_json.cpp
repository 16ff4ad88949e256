#include "protocol/attachments_json.hpp"

#include "protocol/base64.hpp"
#include "protocol/http_field.hpp"

namespace touchpoint::protocol {
namespace {

constexpr std::size_t kMaxFilenameBytes = 256;
constexpr std::size_t kMaxContentTypeBytes = 255;

Error bad(std::string message) { return Error{Errc::bad_request, std::move(message)}; }

// A string member of at most max bytes; fallback when absent or null.
Result<std::string> text(const rapidjson::Value& file, const char* key, std::size_t max,
                         const char* fallback) {
  auto it = file.FindMember(key);
  if (it == file.MemberEnd() || it->value.IsNull()) return std::string(fallback);
  if (!it->value.IsString()) return bad(std::string("attachment ") + key + " must be a string");
  if (it->value.GetStringLength() > max)
    return bad(std::string("attachment ") + key + " is longer than " + std::to_string(max) + " bytes");
  std::string s(it->value.GetString(), it->value.GetStringLength());
  return s.empty() ? std::string(fallback) : s;
}

}  // namespace

Result<std::vector<AttachmentIn>> read_attachments(const rapidjson::Value& v) {
  std::vector<AttachmentIn> out;
  if (v.IsNull()) return out;
  if (!v.IsArray()) return bad("attachments must be an array");
  if (v.Size() > kMaxAttachments)
    return bad("at most " + std::to_string(kMaxAttachments) + " attachments per message");
  for (const auto& a : v.GetArray()) {
    if (!a.IsObject()) return bad("each attachment must be an object");
    auto filename = text(a, "filename", kMaxFilenameBytes, "attachment");
    if (!filename) return filename.error();
    auto type = text(a, "content_type", kMaxContentTypeBytes, "application/octet-stream");
    if (!type) return type.error();
    auto media_type = parse_media_type(*type);
    if (!media_type) return bad("attachment content_type is not a media type (type/subtype)");
    auto data = a.FindMember("content_base64");
    if (data == a.MemberEnd() || !data->value.IsString())
      return bad("attachment content_base64 must be a string");
    auto bytes = base64_decode({data->value.GetString(), data->value.GetStringLength()});
    if (!bytes) return bad("attachment content_base64 is not valid base64");
    out.push_back({std::move(filename).value(), std::move(*media_type), std::move(*bytes), ""});
  }
  return out;
}

}  // namespace touchpoint::protocol
