#pragma once
// What every GMime user here needs: one process-wide g_mime_init, and guards that release
// GObjects and g_malloc'd strings, so no early return leaks.
#include <gmime/gmime.h>

#include <string>

namespace touchpoint::protocol {

// Safe to call from any thread, any number of times.
void ensure_gmime();

template <typename T>
struct Ref {
  T* p;
  explicit Ref(T* ptr) : p(ptr) {}
  ~Ref() {
    if (p) g_object_unref(p);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
};

struct GFreeString {
  char* p;
  explicit GFreeString(char* s) : p(s) {}
  ~GFreeString() { g_free(p); }
  GFreeString(const GFreeString&) = delete;
  GFreeString& operator=(const GFreeString&) = delete;
  std::string str() const { return p ? std::string(p) : std::string(); }
};

// A leaf part's bytes with its transfer encoding undone.
std::string decoded_bytes(GMimePart* part);

// An object (a whole message, a part) written out as MIME; without its own headers when
// with_headers is false (a multipart's body, boundaries and all).
std::string object_bytes(GMimeObject* object, bool with_headers = true);

}  // namespace touchpoint::protocol
