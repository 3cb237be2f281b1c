// Shared by the libFuzzer targets: every error must name its source, and a failed check aborts
// (libFuzzer reports an abort as a crash, with the input saved).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace huracan::fuzz {

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

inline void Check(bool ok, const char* what) {
  if (!ok) Fail(what);
}

// Error messages must say where the bad bytes came from.
inline void CheckNames(const std::string& message, std::string_view source) {
  if (message.find(source) == std::string::npos) Fail(("error does not name its source: " + message).c_str());
}

// Splits `bytes` at every occurrence of `sep` (the corpus files join a bundle's files this way).
inline std::vector<std::string_view> SplitParts(std::string_view bytes, std::string_view sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (size_t at = bytes.find(sep); at != std::string_view::npos; at = bytes.find(sep, pos)) {
    out.push_back(bytes.substr(pos, at - pos));
    pos = at + sep.size();
  }
  out.push_back(bytes.substr(pos));
  return out;
}

}  // namespace huracan::fuzz
