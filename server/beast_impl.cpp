// Asio and Beast compiled once for the whole program (BOOST_*_SEPARATE_COMPILATION): every
// other file includes only declarations, which keeps builds on 2 cores tolerable.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
