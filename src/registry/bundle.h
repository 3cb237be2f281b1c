// A model bundle: the four files a trained model is made of, stored under one archive prefix
// ("challengers/BTCUSDT/20251108T020000Z/"):
//   model.bin    a container of named binary sections (ModelBin): one per engine (its params),
//                XGBoost native models untouched as their own sections, plus "meta" and "regime";
//   config.json  recipe, feature hash, data window, engine list, code version;
//   metrics.json the out-of-sample metrics;
//   sha256.txt   the manifest: "<sha256>  <file>" per file, `sha256sum -c` compatible.
// The manifest is written last, so a bundle without a valid manifest is incomplete. The
// bundle's identity is the SHA-256 of sha256.txt (the "manifest sha256").
//
// model.bin format (little-endian), version 1:
//   magic "HURMODEL" (8 bytes) | u32 version | u32 section_count
//   section_count x { u32 name_len | name (UTF-8, 1..255 bytes, unique)
//                     | u64 data_len | data | 32-byte SHA-256 of data }
//   32-byte SHA-256 of every byte before it.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/object_store.h"

namespace huracan::registry {

inline constexpr char kModelBinFile[] = "model.bin";
inline constexpr char kConfigFile[] = "config.json";
inline constexpr char kMetricsFile[] = "metrics.json";
inline constexpr char kManifestFile[] = "sha256.txt";
// Reserved section names.
inline constexpr char kMetaSection[] = "meta";
inline constexpr char kRegimeSection[] = "regime";

// The model.bin container. Sections keep their insertion order. Copyable value type.
class ModelBin {
 public:
  struct Section {
    std::string name;
    std::string bytes;
    friend bool operator==(const Section&, const Section&) = default;
  };

  // InvalidArgument when the name is empty, longer than 255 bytes, or already present.
  Status Add(std::string name, std::string bytes);
  // nullptr when absent.
  const std::string* Find(std::string_view name) const;
  const std::vector<Section>& sections() const { return sections_; }
  std::vector<std::string> names() const;

  std::string Serialize() const;
  // Every length is checked against the input; `source` names the file in error messages.
  static Result<ModelBin> Parse(std::string_view bytes, const std::string& source);

  friend bool operator==(const ModelBin&, const ModelBin&) = default;

 private:
  std::vector<Section> sections_;
};

// config.json's required keys; anything else the caller adds is kept in `extra`.
struct BundleConfig {
  std::string symbol;
  nlohmann::json recipe = nlohmann::json::object();
  std::string feature_hash;
  int64_t data_start_ms = 0;  // data window, epoch ms, [start, end]
  int64_t data_end_ms = 0;
  std::vector<std::string> engines;
  std::string code_version = HURACAN_VERSION;
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json ToJson() const;
  static Result<BundleConfig> FromJson(const nlohmann::json& j, const std::string& source);
};

struct ModelBundle {
  ModelBin model;
  BundleConfig config;
  nlohmann::json metrics = nlohmann::json::object();
};

// The four files' bytes, by file name (includes sha256.txt).
using BundleFiles = std::map<std::string, std::string>;

Result<BundleFiles> EncodeBundle(const ModelBundle& bundle);
// Checks the manifest against every file first (DataLoss naming the file on a mismatch).
Result<ModelBundle> DecodeBundle(const BundleFiles& files, const std::string& where);

// "<hex>  <file>\n" per file, sorted by file name.
std::string MakeManifest(const BundleFiles& files_without_manifest);

// Writes the bundle under `prefix` (ending with '/'): data files first, sha256.txt last.
// Returns the manifest sha256.
Result<std::string> WriteBundle(storage::ObjectStore& store, const std::string& prefix, const ModelBundle& bundle);
// Verifies, then decodes. DataLoss names the file whose hash mismatches; NotFound names a
// missing file.
// When `expected_manifest_sha256` is non-empty the manifest's own hash must match it too.
Result<ModelBundle> ReadBundle(const storage::ObjectStore& store, const std::string& prefix,
                               const std::string& expected_manifest_sha256 = "");
// Checks the manifest lists exactly the bundle files and every hash matches (and that model.bin
// parses). Returns the manifest sha256. When `expected_manifest_sha256` is non-empty it must
// match too.
Result<std::string> VerifyBundle(const storage::ObjectStore& store, const std::string& prefix,
                                 const std::string& expected_manifest_sha256 = "");

}  // namespace huracan::registry
