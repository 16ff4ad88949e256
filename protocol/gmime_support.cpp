#include "protocol/gmime_support.hpp"

#include <mutex>

namespace touchpoint::protocol {

void ensure_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

namespace {
std::string bytes_of(GMimeStream* mem) {
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len) : std::string();
}
}  // namespace

std::string decoded_bytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  Ref<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, mem.p);
  return bytes_of(mem.p);
}

std::string object_bytes(GMimeObject* object, bool with_headers) {
  Ref<GMimeStream> mem(g_mime_stream_mem_new());
  if (with_headers)
    g_mime_object_write_to_stream(object, nullptr, mem.p);
  else
    g_mime_object_write_content_to_stream(object, nullptr, mem.p);
  return bytes_of(mem.p);
}

}  // namespace touchpoint::protocol
