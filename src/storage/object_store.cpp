#include "storage/object_store.h"

#include "storage/local_store.h"
#include "storage/s3_store.h"

namespace huracan::storage {

Status ValidateKey(std::string_view key) {
  auto bad = [&](const std::string& why) { return InvalidArgument("object key '" + std::string(key) + "': " + why); };
  if (key.empty()) return bad("empty");
  if (key.size() > 1024) return bad("longer than 1024 bytes");
  if (key.front() == '/') return bad("absolute paths are not allowed");
  for (char c : key) {
    if (c == '\\') return bad("backslashes are not allowed");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return bad("control characters are not allowed");
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view seg = key.substr(start, end - start);
    if (seg.empty()) return bad("empty path segment");
    if (seg == "." || seg == "..") return bad("'.' and '..' segments are not allowed");
    if (seg.substr(0, 5) == ".tmp-") return bad("segments starting with '.tmp-' are reserved");
    start = end + 1;
  }
  return Status::Ok();
}

Result<std::string> ObjectStore::UrlFor(const std::string& key, int64_t expiry_seconds) const {
  (void)expiry_seconds;
  return Unimplemented(Describe() + ": URLs for '" + key + "' are not supported by this store");
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url) {
  std::string root = url;
  if (root.rfind("file://", 0) == 0) {
    root = root.substr(7);
  } else if (root.rfind("file:", 0) == 0) {
    root = root.substr(5);
  } else if (root.rfind("s3://", 0) == 0) {
    HURACAN_ASSIGN_OR_RETURN(S3Config config, S3Config::FromUrl(url));
    HURACAN_ASSIGN_OR_RETURN(auto s3, S3ObjectStore::Open(std::move(config)));
    return std::unique_ptr<ObjectStore>(std::move(s3));
  } else if (root.find("://") != std::string::npos) {
    return Unimplemented("object store '" + url + "': scheme not supported (use a folder path)");
  }
  if (root.empty()) return InvalidArgument("object store: empty path");
  HURACAN_ASSIGN_OR_RETURN(auto local, LocalObjectStore::Open(root));
  return std::unique_ptr<ObjectStore>(std::move(local));
}

Status CopyPrefix(ObjectStore& store, const std::string& from_prefix, const std::string& to_prefix) {
  HURACAN_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.List(from_prefix));
  for (const std::string& key : keys) {
    HURACAN_ASSIGN_OR_RETURN(std::string bytes, store.Get(key));
    HURACAN_RETURN_IF_ERROR(store.Put(to_prefix + key.substr(from_prefix.size()), bytes));
  }
  return Status::Ok();
}

}  // namespace huracan::storage
