// Local-folder object store: key "a/b/c" is the file ROOT/a/b/c. Puts are atomic (a temp file
// in the target folder, fsync, rename, fsync of the folder). Temp files are named
// ".tmp-NAME.HOST.PID.COUNTER.RANDOM" and are invisible to List/Get. A Put first removes the temp
// files of its target that a process of this machine, now gone, left behind (a writer killed in
// the middle of a Put); those of live processes and of other machines stay.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "storage/object_store.h"

namespace huracan::storage {

struct LocalStoreOptions {
  bool fsync = true;  // tests may turn it off for speed; production keeps it on
  // Test hook: called after the temp file is fully written and synced, just before the rename.
  // A non-OK status aborts the Put (the temp file is removed, the old object stays).
  std::function<Status(const std::string& key, const std::string& temp_path)> before_rename;
};

class LocalObjectStore final : public ObjectStore {
 public:
  // Creates `root` when missing. Fails when it cannot be created or is not a folder.
  static Result<std::unique_ptr<LocalObjectStore>> Open(const std::string& root, LocalStoreOptions options = {});

  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::string> Get(const std::string& key) const override;
  Result<bool> Exists(const std::string& key) const override;
  Result<std::string> Checksum(const std::string& key) const override;
  Result<std::vector<std::string>> List(const std::string& prefix) const override;
  Status Delete(const std::string& key) override;
  std::string Describe() const override;
  Result<std::string> UrlFor(const std::string& key, int64_t expiry_seconds) const override;

  const std::string& root() const { return root_; }
  // The file path of `key` (after validation).
  Result<std::string> PathFor(const std::string& key) const;

 private:
  LocalObjectStore(std::string root, LocalStoreOptions options)
      : root_(std::move(root)), options_(std::move(options)) {}
  std::string root_;  // absolute, no trailing '/'
  LocalStoreOptions options_;
};

}  // namespace huracan::storage
