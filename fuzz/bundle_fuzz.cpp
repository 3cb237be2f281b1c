// libFuzzer target for the bundle loader (registry/bundle.h, registry/loader.h). The input is a
// bundle's config.json, metrics.json and model.bin sections, joined by kPartSeparator; each
// section part is its name, a newline, then its bytes. The harness builds a model.bin and a
// manifest with correct checksums from them, so corrupted contents get past the hash checks and
// reach the parsers behind (config.json, every engine's params, the regime thresholds, the meta
// state). The whole input is also read as a raw model.bin after its trailing checksum is made to
// match, which exercises the container's length checks. Any input gives an error naming the
// bundle, or a model whose engines are all bound.
#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "features/recipe.h"
#include "fuzz_util.h"
#include "registry/bundle.h"
#include "registry/loader.h"

namespace {
constexpr std::string_view kPartSeparator = "\n--huracan-fuzz-part--\n";

void RawModelBin(std::string_view bytes) {
  using namespace huracan;
  std::string raw(bytes);
  if (raw.size() > SHA256_DIGEST_LENGTH) {  // a matching trailing checksum
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(raw.data()), raw.size() - SHA256_DIGEST_LENGTH, digest);
    raw.replace(raw.size() - SHA256_DIGEST_LENGTH, SHA256_DIGEST_LENGTH, reinterpret_cast<const char*>(digest),
                SHA256_DIGEST_LENGTH);
  }
  auto bin = registry::ModelBin::Parse(raw, "fuzz-model.bin");
  if (!bin.ok()) {
    fuzz::CheckNames(bin.error().message, "fuzz-model.bin");
    return;
  }
  fuzz::Check(bin->Serialize() == raw, "a model.bin that parses does not serialise to the same bytes");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  static const features::FeatureRecipe recipe = *features::BuiltinRecipe("default");
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  RawModelBin(bytes);
  auto parts = fuzz::SplitParts(bytes, kPartSeparator);
  if (parts.size() < 2) return 0;
  registry::ModelBin bin;
  for (size_t i = 2; i < parts.size(); ++i) {
    const size_t nl = parts[i].find('\n');
    if (nl == std::string_view::npos) return 0;
    if (!bin.Add(std::string(parts[i].substr(0, nl)), std::string(parts[i].substr(nl + 1))).ok()) return 0;
  }
  registry::BundleFiles files;
  files[registry::kConfigFile] = std::string(parts[0]);
  files[registry::kMetricsFile] = std::string(parts[1]);
  files[registry::kModelBinFile] = bin.Serialize();
  files[registry::kManifestFile] = registry::MakeManifest(files);
  const std::string where = "fuzz-bundle/";
  auto bundle = registry::DecodeBundle(files, where);
  if (!bundle.ok()) {
    fuzz::CheckNames(bundle.error().message, where);
    return 0;
  }
  fuzz::Check(bundle->model == bin, "the decoded model.bin differs from the one written");
  auto model = registry::BindModel(std::move(*bundle), "FUZZ@0", where, recipe, recipe.names());
  if (!model.ok()) {
    fuzz::CheckNames(model.error().message, where);
    return 0;
  }
  for (const auto& e : model->engines) fuzz::Check(e != nullptr, "a bound model holds a null engine");
  return 0;
}
