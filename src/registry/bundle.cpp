#include "registry/bundle.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

#include "core/sha256.h"
#include "registry/archive.h"

namespace huracan::registry {
namespace {

constexpr char kMagic[8] = {'H', 'U', 'R', 'M', 'O', 'D', 'E', 'L'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHashLen = 32;
constexpr size_t kMaxNameLen = 255;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string RawSha256(std::string_view bytes) {
  std::string hex = Sha256Hex(bytes);
  std::string raw(kHashLen, '\0');
  for (size_t i = 0; i < kHashLen; ++i) raw[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return raw;
}

// Bounds-checked little-endian reader over the input.
class Reader {
 public:
  Reader(std::string_view data, const std::string& source) : data_(data), source_(source) {}
  size_t pos() const { return pos_; }
  size_t left() const { return data_.size() - pos_; }

  Result<std::string_view> Take(size_t n, const char* what) {
    if (n > left())
      return DataLoss(source_ + ": truncated at byte " + std::to_string(pos_) + " reading " + what + " (" +
                      std::to_string(n) + " bytes wanted, " + std::to_string(left()) + " left)");
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  Result<uint64_t> Uint(size_t width, const char* what) {
    HURACAN_ASSIGN_OR_RETURN(std::string_view b, Take(width, what));
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    return v;
  }

 private:
  std::string_view data_;
  const std::string& source_;
  size_t pos_ = 0;
};

const std::vector<std::string>& DataFiles() {
  static const std::vector<std::string> kFiles = {kConfigFile, kMetricsFile, kModelBinFile};
  return kFiles;
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Parses sha256.txt into file -> hash; refuses anything but exactly the bundle's data files.
Result<std::map<std::string, std::string>> ParseManifest(std::string_view text, const std::string& where) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    // "<64 hex>  <name>" (two spaces: sha256sum's text mode) or "<hex> *<name>" (binary mode).
    if (line.size() < 67 || !IsHex64(std::string_view(line).substr(0, 64)) || line[64] != ' ' ||
        (line[65] != ' ' && line[65] != '*'))
      return DataLoss(where + kManifestFile + ": line " + std::to_string(lineno) + " is not '<sha256>  <file>'");
    std::string name = line.substr(66);
    if (out.count(name)) return DataLoss(where + kManifestFile + ": lists " + name + " twice");
    out[name] = line.substr(0, 64);
  }
  for (const std::string& f : DataFiles())
    if (!out.count(f)) return DataLoss(where + kManifestFile + ": does not list " + f);
  if (out.size() != DataFiles().size()) {
    for (const auto& [name, hash] : out)
      if (std::find(DataFiles().begin(), DataFiles().end(), name) == DataFiles().end())
        return DataLoss(where + kManifestFile + ": lists unknown file " + name);
  }
  return out;
}

Result<nlohmann::json> ParseJson(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    return DataLoss(source + ": invalid JSON: " + e.what());
  }
}

}  // namespace

// ---- ModelBin --------------------------------------------------------------------------------

Status ModelBin::Add(std::string name, std::string bytes) {
  if (name.empty()) return InvalidArgument("model.bin: empty section name");
  if (name.size() > kMaxNameLen) return InvalidArgument("model.bin: section name longer than 255 bytes: " + name);
  if (Find(name) != nullptr) return InvalidArgument("model.bin: duplicate section '" + name + "'");
  sections_.push_back({std::move(name), std::move(bytes)});
  return Status::Ok();
}

const std::string* ModelBin::Find(std::string_view name) const {
  for (const Section& s : sections_)
    if (s.name == name) return &s.bytes;
  return nullptr;
}

std::vector<std::string> ModelBin::names() const {
  std::vector<std::string> out;
  for (const Section& s : sections_) out.push_back(s.name);
  return out;
}

std::string ModelBin::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  PutU32(out, kFormatVersion);
  PutU32(out, static_cast<uint32_t>(sections_.size()));
  for (const Section& s : sections_) {
    PutU32(out, static_cast<uint32_t>(s.name.size()));
    out += s.name;
    PutU64(out, s.bytes.size());
    out += s.bytes;
    out += RawSha256(s.bytes);
  }
  out += RawSha256(out);
  return out;
}

Result<ModelBin> ModelBin::Parse(std::string_view bytes, const std::string& source) {
  if (bytes.size() < sizeof kMagic + 8 + kHashLen) return DataLoss(source + ": too short to be a model.bin");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return DataLoss(source + ": bad magic (not a model.bin)");
  std::string_view body = bytes.substr(0, bytes.size() - kHashLen);
  if (RawSha256(body) != bytes.substr(bytes.size() - kHashLen))
    return DataLoss(source + ": checksum mismatch (file corrupt or truncated)");
  Reader r(body, source);
  (void)r.Take(sizeof kMagic, "magic");
  HURACAN_ASSIGN_OR_RETURN(uint64_t version, r.Uint(4, "version"));
  if (version != kFormatVersion)
    return Unimplemented(source + ": model.bin version " + std::to_string(version) +
                         " not supported (this build reads " + std::to_string(kFormatVersion) + ")");
  HURACAN_ASSIGN_OR_RETURN(uint64_t count, r.Uint(4, "section count"));
  ModelBin out;
  for (uint64_t i = 0; i < count; ++i) {
    HURACAN_ASSIGN_OR_RETURN(uint64_t name_len, r.Uint(4, "section name length"));
    if (name_len == 0 || name_len > kMaxNameLen)
      return DataLoss(source + ": section " + std::to_string(i) + " has a bad name length " + std::to_string(name_len));
    HURACAN_ASSIGN_OR_RETURN(std::string_view name, r.Take(name_len, "section name"));
    HURACAN_ASSIGN_OR_RETURN(uint64_t data_len, r.Uint(8, "section length"));
    if (data_len > r.left())
      return DataLoss(source + ": section '" + std::string(name) + "' claims " + std::to_string(data_len) +
                      " bytes, only " + std::to_string(r.left()) + " left");
    HURACAN_ASSIGN_OR_RETURN(std::string_view data, r.Take(data_len, "section data"));
    HURACAN_ASSIGN_OR_RETURN(std::string_view hash, r.Take(kHashLen, "section checksum"));
    if (RawSha256(data) != hash) return DataLoss(source + ": section '" + std::string(name) + "' checksum mismatch");
    // Always DataLoss, whatever Add's own code: the file holds a section it should not.
    Status added = out.Add(std::string(name), std::string(data));
    if (!added.ok()) return WithContext(DataLoss(added.error().message), source);
  }
  if (r.left() != 0) return DataLoss(source + ": " + std::to_string(r.left()) + " unexpected trailing bytes");
  return out;
}

// ---- config.json -----------------------------------------------------------------------------

nlohmann::json BundleConfig::ToJson() const {
  nlohmann::json j = extra.is_object() ? extra : nlohmann::json::object();
  j["symbol"] = symbol;
  j["recipe"] = recipe;
  j["feature_hash"] = feature_hash;
  j["data_window"] = {{"start_ms", data_start_ms}, {"end_ms", data_end_ms}};
  j["engines"] = engines;
  j["code_version"] = code_version;
  return j;
}

Result<BundleConfig> BundleConfig::FromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) return DataLoss(source + ": not a JSON object");
  BundleConfig c;
  try {
    for (const char* key : {"symbol", "recipe", "feature_hash", "data_window", "engines", "code_version"})
      if (!j.contains(key)) return DataLoss(source + ": missing key '" + key + "'");
    c.symbol = j.at("symbol").get<std::string>();
    c.recipe = j.at("recipe");
    c.feature_hash = j.at("feature_hash").get<std::string>();
    c.data_start_ms = j.at("data_window").at("start_ms").get<int64_t>();
    c.data_end_ms = j.at("data_window").at("end_ms").get<int64_t>();
    c.engines = j.at("engines").get<std::vector<std::string>>();
    c.code_version = j.at("code_version").get<std::string>();
    c.extra = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (k != "symbol" && k != "recipe" && k != "feature_hash" && k != "data_window" && k != "engines" &&
          k != "code_version")
        c.extra[k] = it.value();
    }
  } catch (const std::exception& e) {
    return DataLoss(source + ": " + e.what());
  }
  // The symbol names archive folders and costs; a bundle that claims a path is refused.
  if (Status s = ValidateSymbol(c.symbol); !s.ok()) return DataLoss(source + ": " + s.error().message);
  return c;
}

// ---- bundle files ----------------------------------------------------------------------------

std::string MakeManifest(const BundleFiles& files) {
  std::string out;
  for (const auto& [name, bytes] : files) {
    if (name == kManifestFile) continue;
    out += Sha256Hex(bytes) + "  " + name + "\n";
  }
  return out;
}

Result<BundleFiles> EncodeBundle(const ModelBundle& bundle) {
  BundleFiles files;
  files[kModelBinFile] = bundle.model.Serialize();
  files[kConfigFile] = bundle.config.ToJson().dump(2) + "\n";
  if (!bundle.metrics.is_object()) return InvalidArgument("bundle metrics must be a JSON object");
  try {
    files[kMetricsFile] = bundle.metrics.dump(2) + "\n";
  } catch (const std::exception& e) {  // e.g. invalid UTF-8 in a string
    return InvalidArgument(std::string("bundle metrics: ") + e.what());
  }
  files[kManifestFile] = MakeManifest(files);
  return files;
}

Result<ModelBundle> DecodeBundle(const BundleFiles& files, const std::string& where) {
  auto manifest_it = files.find(kManifestFile);
  if (manifest_it == files.end()) return NotFound(where + kManifestFile + ": missing");
  HURACAN_ASSIGN_OR_RETURN(auto listed, ParseManifest(manifest_it->second, where));
  for (const auto& [name, hash] : listed) {
    auto it = files.find(name);
    if (it == files.end()) return NotFound(where + name + ": missing");
    std::string got = Sha256Hex(it->second);
    if (got != hash)
      return DataLoss(where + name + ": sha256 mismatch (manifest " + hash.substr(0, 12) + "..., file " +
                      got.substr(0, 12) + "...)");
  }
  ModelBundle b;
  HURACAN_ASSIGN_OR_RETURN(b.model, ModelBin::Parse(files.at(kModelBinFile), where + kModelBinFile));
  HURACAN_ASSIGN_OR_RETURN(nlohmann::json config, ParseJson(files.at(kConfigFile), where + kConfigFile));
  HURACAN_ASSIGN_OR_RETURN(b.config, BundleConfig::FromJson(config, where + kConfigFile));
  HURACAN_ASSIGN_OR_RETURN(b.metrics, ParseJson(files.at(kMetricsFile), where + kMetricsFile));
  return b;
}

Result<std::string> WriteBundle(storage::ObjectStore& store, const std::string& prefix, const ModelBundle& bundle) {
  if (prefix.empty() || prefix.back() != '/') return InvalidArgument("bundle prefix must end with '/': " + prefix);
  HURACAN_ASSIGN_OR_RETURN(BundleFiles files, EncodeBundle(bundle));
  // Data files first, the manifest last: a bundle is complete only once sha256.txt exists.
  for (const std::string& name : DataFiles()) HURACAN_RETURN_IF_ERROR(store.Put(prefix + name, files.at(name)));
  HURACAN_RETURN_IF_ERROR(store.Put(prefix + kManifestFile, files.at(kManifestFile)));
  return Sha256Hex(files.at(kManifestFile));
}

Result<ModelBundle> ReadBundle(const storage::ObjectStore& store, const std::string& prefix,
                               const std::string& expected_manifest_sha256) {
  const std::string where = store.Describe() + "/" + prefix;
  BundleFiles files;
  for (const std::string& name :
       {std::string(kManifestFile), std::string(kModelBinFile), std::string(kConfigFile), std::string(kMetricsFile)}) {
    Result<std::string> bytes = store.Get(prefix + name);
    if (!bytes.ok()) {
      if (bytes.error().code == ErrorCode::kNotFound) return NotFound(where + name + ": missing");
      return bytes.error();
    }
    files[name] = std::move(bytes).value();
  }
  if (!expected_manifest_sha256.empty()) {
    std::string got = Sha256Hex(files[kManifestFile]);
    if (got != expected_manifest_sha256)
      return DataLoss(where + kManifestFile + ": sha256 " + got.substr(0, 12) + "... differs from the expected " +
                      expected_manifest_sha256.substr(0, 12) + "...");
  }
  return DecodeBundle(files, where);
}

Result<std::string> VerifyBundle(const storage::ObjectStore& store, const std::string& prefix,
                                 const std::string& expected_manifest_sha256) {
  const std::string where = store.Describe() + "/" + prefix;
  Result<std::string> manifest = store.Get(prefix + kManifestFile);
  if (!manifest.ok()) {
    if (manifest.error().code == ErrorCode::kNotFound) return NotFound(where + kManifestFile + ": missing");
    return manifest.error();
  }
  std::string manifest_sha = Sha256Hex(*manifest);
  if (!expected_manifest_sha256.empty() && manifest_sha != expected_manifest_sha256)
    return DataLoss(where + kManifestFile + ": sha256 " + manifest_sha.substr(0, 12) +
                    "... differs from the expected " + expected_manifest_sha256.substr(0, 12) + "...");
  HURACAN_ASSIGN_OR_RETURN(auto listed, ParseManifest(*manifest, where));
  for (const auto& [name, hash] : listed) {
    Result<std::string> got = store.Checksum(prefix + name);
    if (!got.ok()) {
      if (got.error().code == ErrorCode::kNotFound) return NotFound(where + name + ": missing");
      return got.error();
    }
    if (*got != hash)
      return DataLoss(where + name + ": sha256 mismatch (manifest " + hash.substr(0, 12) + "..., file " +
                      got->substr(0, 12) + "...)");
  }
  HURACAN_ASSIGN_OR_RETURN(std::string model_bin, store.Get(prefix + kModelBinFile));
  HURACAN_RETURN_IF_ERROR(ModelBin::Parse(model_bin, where + kModelBinFile));
  return manifest_sha;
}

}  // namespace huracan::registry
