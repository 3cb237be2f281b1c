// Small file helpers. Writes that must never be half-visible go through WriteFileAtomic.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace huracan {

Result<std::string> ReadFile(const std::string& path);
// Writes all of `bytes` to `fd`, through short writes and EINTR. Returns 0, or the errno of the
// failed write (errno is left set to it).
int WriteAll(int fd, std::string_view bytes);
// Writes to a temp file in the same folder, fsyncs it, renames it over `path`,
// then fsyncs the folder: a reader sees the old file or the new one, never a mix.
Status WriteFileAtomic(const std::string& path, std::string_view bytes);

}  // namespace huracan
