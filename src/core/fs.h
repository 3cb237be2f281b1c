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
// The two halves of WriteFileAtomic, for callers that test a crash between them. StageFile
// writes and fsyncs `bytes` to a temp file beside `path` ("PATH.tmp.PID") and returns its name;
// PublishStagedFile renames it over `path` and fsyncs the folder.
Result<std::string> StageFile(const std::string& path, std::string_view bytes);
Status PublishStagedFile(const std::string& staged, const std::string& path);

}  // namespace huracan
