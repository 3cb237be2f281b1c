// `huracan archive url KEY`: a URL a reader elsewhere can GET (S3: presigned; local: file://).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "storage/object_store.h"

namespace huracan::cli {
namespace {

struct ArchiveUrlOptions {
  std::string key;
  std::string archive;  // the flag; read back through archive.url (docs/CONFIG.md)
  int64_t expires = 3600;
};

Result<int> RunUrl(const ArchiveUrlOptions& opt) {
  if (opt.expires < 1 || opt.expires > 604800) {
    return InvalidArgument("--expires " + std::to_string(opt.expires) + ": must be in 1..604800 seconds");
  }
  HURACAN_ASSIGN_OR_RETURN(auto store, storage::OpenObjectStore(ActiveSettings().String("archive.url")));
  HURACAN_ASSIGN_OR_RETURN(std::string url, store->UrlFor(opt.key, opt.expires));
  std::printf("%s\n", url.c_str());
  return kExitOk;
}

}  // namespace

void RegisterArchiveCommands(CLI::App& app, Action* out) {
  CLI::App* archive = app.add_subcommand("archive", "The archive's objects: URLs for readers elsewhere");
  archive->require_subcommand(1);
  auto opt = std::make_shared<ArchiveUrlOptions>();
  CLI::App* url = archive->add_subcommand(
      "url", "Print a URL that GETs KEY: presigned for an s3:// archive, file:// for a local one");
  url->add_option("key", opt->key, "Object key, e.g. champion/BTCUSDT/latest.json")->required();
  url->add_option("--archive", opt->archive, "Archive: a folder or s3://bucket/prefix (default ./archive)");
  url->add_option("--expires", opt->expires, "Seconds the URL stays valid (S3; 1..604800, default 3600)");
  url->callback([out, opt] { *out = [opt] { return RunUrl(*opt); }; });
}

}  // namespace huracan::cli
