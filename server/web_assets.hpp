#pragma once
// The console (web/), built and embedded in the binary by the touchpoint target: its page and
// its hashed assets, by path ("/index.html", "/assets/console-H5RZ2PCO.js").
#include <span>
#include <string_view>

namespace touchpoint::server {

struct WebFile {
  std::string_view path, content_type, body;
};

// Every embedded file (generated: cmake/embed_web.cmake). Empty when built without web/.
std::span<const WebFile> web_files();

}  // namespace touchpoint::server
