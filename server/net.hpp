#pragma once
// Beast's namespace aliases, declared once. Include only from .cpp files and from headers that
// must name Asio types: Beast is heavy, keep it out of widely included headers.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace touchpoint::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
}  // namespace touchpoint::server
