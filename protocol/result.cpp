#include "protocol/result.hpp"

namespace touchpoint {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::bad_request: return "bad_request";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not_found";
    case Errc::method_not_allowed: return "method_not_allowed";
    case Errc::conflict: return "conflict";
    case Errc::unprocessable: return "unprocessable";
    case Errc::too_large: return "too_large";
    case Errc::too_many_requests: return "too_many_requests";
    case Errc::unsupported_media: return "unsupported_media_type";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
  }
  return "internal";
}

}  // namespace touchpoint
