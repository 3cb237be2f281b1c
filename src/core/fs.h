// Small file helpers. Writes that must never be half-visible go through WriteFileAtomic.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace huracan {

Result<std::string> ReadFile(const std::string& path);
// Writes all of `bytes` to `fd`, through short writes and EINTR. Returns 0, or the errno of the
// failed write (errno is left set to it).
int WriteAll(int fd, std::string_view bytes);

// Failure injection for tests (docs/RELIABILITY.md, "Disk full"): when a hook is set, every write
// of a whole file through WriteFileTo (WriteFileAtomic, StageFile, LocalObjectStore::Put) first
// asks it with the path of the file being written (the final path, not the temp name). A non-zero
// errno it returns (e.g. ENOSPC) makes that write fail as a full disk would: half of the bytes are
// written, then the write returns that errno. Set it only while no other thread writes; pass an
// empty function to clear it.
using WriteFaultHook = std::function<int(const std::string& path)>;
void SetWriteFaultHookForTesting(WriteFaultHook hook);
// WriteAll of the whole content of the file `path` (for the hook above) to `fd`.
int WriteFileTo(int fd, std::string_view bytes, const std::string& path);
// Writes to a temp file in the same folder, fsyncs it, renames it over `path`,
// then fsyncs the folder: a reader sees the old file or the new one, never a mix.
Status WriteFileAtomic(const std::string& path, std::string_view bytes);
// The two halves of WriteFileAtomic, for callers that test a crash between them. StageFile
// writes and fsyncs `bytes` to a temp file beside `path` ("PATH.tmp.PID") and returns its name;
// PublishStagedFile renames it over `path` and fsyncs the folder.
Result<std::string> StageFile(const std::string& path, std::string_view bytes);
Status PublishStagedFile(const std::string& staged, const std::string& path);

}  // namespace huracan
