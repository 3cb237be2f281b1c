#include "config/settings.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "config/validate.h"
#include "core/fs.h"
#include "costs/cost_presets.h"

namespace huracan::config {

const char* SourceName(Source s) {
  switch (s) {
    case Source::kDefault: return "default";
    case Source::kFile: return "file";
    case Source::kEnv: return "env";
    case Source::kFlag: return "flag";
  }
  return "?";
}

const Value& Settings::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("config: undeclared key " + key);
  return it->second;
}

int64_t Settings::Int(const std::string& key) const { return Get(key).set ? std::stoll(Get(key).text) : 0; }
double Settings::Double(const std::string& key) const { return Get(key).set ? std::stod(Get(key).text) : 0.0; }
bool Settings::Bool(const std::string& key) const { return Get(key).text == "true"; }

Result<costs::CostOverrides> Settings::Costs() const {
  HURACAN_ASSIGN_OR_RETURN(costs::CostsFile base, costs::LoadCosts(String("costs.preset")));
  costs::CostOverrides o;
  for (const auto& f : costs::CostNumberFields()) {
    const Value& v = Get(std::string("costs.") + f.name);
    if (v.set) o.*f.override_value = std::stod(v.text);
  }
  const std::string entry = std::string("costs.") + costs::kMakerEntryField;
  if (Get(entry).set) o.maker_entry = Bool(entry);
  const std::string fill = std::string("costs.") + costs::kMakerFillBarsField;
  if (Get(fill).set) o.maker_fill_bars = static_cast<int>(Int(fill));
  return base.overrides.Overlay(o);
}

registry::PromotionRules Settings::InlineRules() const {
  registry::PromotionRules r;
  r.min_trades = Int("promotion.min_trades");
  r.min_days = Double("promotion.min_days");
  r.min_psr = Double("promotion.min_psr");
  r.min_dsr = Double("promotion.min_dsr");
  r.max_drawdown = Double("promotion.max_drawdown");
  r.sharpe_margin = Double("promotion.sharpe_margin");
  r.min_first_net_sharpe = Double("promotion.min_first_net_sharpe");
  r.live_min_trades = Int("promotion.live_min_trades");
  r.live_net_bps_band = Double("promotion.live_net_bps_band");
  return r;
}

std::string Settings::DatabaseUrl() const {
  const Value& pw = Get("database.password");
  if (!pw.set) return String("database.url");
  return WithPassword(String("database.url"), pw.text);
}

std::string Settings::EnginesSpec() const {
  const auto& ids = List("engines.run");
  if (ids.size() == 1 && ids[0] == "all") return "";
  return Get("engines.run").text;
}

std::string MaskedText(const KeyDecl& d, const Value& v) {
  if (!v.set) return "";
  if (d.secret) return "***";
  if (d.key == "database.url") return MaskUrlPassword(v.text);
  return v.text;
}

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string NumText(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string RangeText(const KeyDecl& d) {
  if (d.min && d.max) return "in [" + NumText(*d.min) + ", " + NumText(*d.max) + "]";
  if (d.min) return ">= " + NumText(*d.min);
  return "<= " + NumText(*d.max);
}

}  // namespace

namespace {

// Parses a value given as text (a YAML scalar, an environment variable, a flag) for `d`.
// On success fills `v.text`/`v.items` canonically; else returns the reason.
std::optional<std::string> ParseText(const KeyDecl& d, const std::string& raw, Value& v) {
  const std::string s = Trim(raw);
  switch (d.type) {
    case Type::kString: v.text = s; return std::nullopt;
    case Type::kEnum:
      if (std::find(d.allowed.begin(), d.allowed.end(), s) == d.allowed.end()) {
        std::string all;
        for (const auto& a : d.allowed) all += (all.empty() ? "" : ", ") + a;
        return "'" + s + "' is not one of " + all + DidYouMean(s, d.allowed);
      }
      v.text = s;
      return std::nullopt;
    case Type::kBool: {
      const std::string l = Lower(s);
      if (l == "true" || l == "yes" || l == "on" || l == "1") {
        v.text = "true";
      } else if (l == "false" || l == "no" || l == "off" || l == "0") {
        v.text = "false";
      } else {
        return "expected a bool (true or false), got '" + s + "'";
      }
      return std::nullopt;
    }
    case Type::kInt: {
      int64_t x = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), x);
      if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
        return "expected an integer, got '" + s + "'";
      if ((d.min && static_cast<double>(x) < *d.min) || (d.max && static_cast<double>(x) > *d.max))
        return std::to_string(x) + " is out of range (must be " + RangeText(d) + ")";
      v.text = std::to_string(x);
      return std::nullopt;
    }
    case Type::kDouble: {
      double x = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), x);
      if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(x))
        return "expected a number, got '" + s + "'";
      if ((d.min && x < *d.min) || (d.max && x > *d.max))
        return NumText(x) + " is out of range (must be " + RangeText(d) + ")";
      v.text = NumText(x);
      return std::nullopt;
    }
    case Type::kList: {
      v.items.clear();
      size_t start = 0;
      while (start <= s.size()) {
        size_t end = s.find(',', start);
        if (end == std::string::npos) end = s.size();
        std::string item = Trim(s.substr(start, end - start));
        if (!item.empty()) v.items.push_back(item);
        start = end + 1;
      }
      v.text.clear();
      for (const auto& i : v.items) v.text += (v.text.empty() ? "" : ",") + i;
      return std::nullopt;
    }
  }
  return "unknown type";
}

}  // namespace

class Loader {
 public:
  explicit Loader(const LoadOptions& opts) : opts_(opts) {
    if (!opts_.getenv) {
      opts_.getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr || *v == '\0') return std::nullopt;
        return std::string(v);
      };
    }
  }

  LoadResult Run() {
    for (const auto& d : Declarations()) {
      Value v;
      if (d.has_default) {
        v.set = true;
        ParseText(d, d.default_value, v);
      }
      out_.settings.values_[d.key] = v;
    }
    if (FindFile()) ReadYaml();
    OverlayEnv();
    OverlayFlags();
    ReadSecretFiles();
    ValidateSettings(out_.settings, &out_.errors);
    return std::move(out_);
  }

 private:
  void Error(const std::string& where, const std::string& key, const std::string& msg) {
    out_.errors.push_back(where + ": " + (key.empty() ? "" : key + ": ") + msg);
  }

  bool FindFile() {
    std::string path;
    std::string named_by;
    if (!opts_.config_flag.empty()) {
      path = opts_.config_flag;
      named_by = "--config";
    } else if (auto env = opts_.getenv(kConfigEnv)) {
      path = *env;
      named_by = kConfigEnv;
    } else {
      std::error_code ec;
      if (!std::filesystem::exists(kDefaultConfigFile, ec)) return false;
      path = kDefaultConfigFile;
    }
    out_.settings.file_ = path;
    auto text = ReadFile(path);
    if (!text.ok()) {
      Error(path, "",
            "cannot read the config file" + (named_by.empty() ? "" : " named by " + named_by) + ": " +
                text.error().message);
      return false;
    }
    text_ = std::move(text).value();
    return true;
  }

  std::string Where(const YAML::Mark& m) const { return out_.settings.file_ + ":" + std::to_string(m.line + 1); }

  void ReadYaml() {
    YAML::Node root;
    try {
      root = YAML::Load(text_);
    } catch (const YAML::Exception& e) {
      Error(Where(e.mark), "", "not valid YAML: " + e.msg);
      return;
    }
    if (root.IsNull()) return;
    if (!root.IsMap()) {
      Error(Where(root.Mark()), "", "expected a map of sections (data:, training:, ...)");
      return;
    }
    const std::vector<std::string> sections = Sections();
    std::vector<std::string> keys;
    for (const auto& d : Declarations()) keys.push_back(d.key);
    for (const auto& sec : root) {
      const std::string name = sec.first.Scalar();
      if (std::find(sections.begin(), sections.end(), name) == sections.end()) {
        Error(Where(sec.first.Mark()), name, "unknown section" + DidYouMean(name, sections));
        continue;
      }
      if (sec.second.IsNull()) continue;
      if (!sec.second.IsMap()) {
        Error(Where(sec.first.Mark()), name, "expected a map of keys under the section");
        continue;
      }
      for (const auto& kv : sec.second) {
        const std::string key = name + "." + kv.first.Scalar();
        const KeyDecl* d = FindDecl(key);
        const std::string where = Where(kv.first.Mark());
        if (!d) {
          Error(where, key, "unknown key" + DidYouMean(key, keys));
          continue;
        }
        if (d->secret) {
          Error(where, key,
                "is a secret and may not be written in the config file: set " + d->env + " or " + d->secret_file_key);
          continue;
        }
        FromNode(*d, kv.second, where);
      }
    }
  }

  void FromNode(const KeyDecl& d, const YAML::Node& n, const std::string& where) {
    Value v;
    std::optional<std::string> err;
    if (n.IsNull()) {
      err = "no value (remove the key to use the default)";
    } else if (n.IsSequence()) {
      if (d.type != Type::kList) {
        err = "expected " + TypeName(d) + ", got a list";
      } else {
        std::string joined;
        for (const auto& item : n) {
          if (!item.IsScalar()) {
            err = "expected a list of plain values";
            break;
          }
          joined += (joined.empty() ? "" : ",") + item.Scalar();
        }
        if (!err) err = ParseText(d, joined, v);
      }
    } else if (n.IsMap()) {
      err = "expected " + TypeName(d) + ", got a map";
    } else {
      err = ParseText(d, n.Scalar(), v);
    }
    if (err) {
      Error(where, d.key, *err);
      return;
    }
    if (d.key == "database.url" && UrlHasPassword(v.text)) {
      Error(where, d.key, "a password inside the URL is a secret: set DATABASE_URL or database.password_file instead");
      return;
    }
    Set(d, v, Source::kFile, where);
  }

  void Set(const KeyDecl& d, Value v, Source src, const std::string& origin) {
    v.set = true;
    v.source = src;
    v.origin = origin;
    out_.settings.values_[d.key] = std::move(v);
  }

  void OverlayEnv() {
    for (const auto& d : Declarations()) {
      auto raw = opts_.getenv(d.env);
      if (!raw) continue;
      Value v;
      if (auto err = ParseText(d, *raw, v)) {
        Error("env " + d.env, d.key, d.secret ? "invalid value" : *err);
        continue;
      }
      Set(d, v, Source::kEnv, "env " + d.env);
    }
  }

  void OverlayFlags() {
    for (const auto& [key, raw] : opts_.flags) {
      const KeyDecl* d = FindDecl(key);
      if (!d) continue;
      auto it = opts_.flag_of.find(key);
      const std::string where = "flag " + (it != opts_.flag_of.end() ? it->second : d->flag);
      Value v;
      if (auto err = ParseText(*d, raw, v)) {
        Error(where, d->key, *err);
        continue;
      }
      Set(*d, v, Source::kFlag, where);
    }
  }

  // A secret not given in the environment is read from the file its `*_file` key names.
  void ReadSecretFiles() {
    for (const auto& d : Declarations()) {
      if (!d.secret || out_.settings.values_[d.key].set) continue;
      const Value& file_key = out_.settings.values_[d.secret_file_key];
      if (!file_key.set || file_key.text.empty()) continue;
      auto text = ReadFile(file_key.text);
      if (!text.ok()) {
        Error(file_key.origin, d.secret_file_key, "cannot read the secret file: " + text.error().message);
        continue;
      }
      Value v;
      v.text = Trim(*text);
      if (v.text.empty()) {
        Error(file_key.origin, d.secret_file_key, "the secret file is empty");
        continue;
      }
      Set(d, v, file_key.source, file_key.origin);
    }
  }

  LoadOptions opts_;
  std::string text_;
  LoadResult out_;
};

LoadResult Load(const LoadOptions& opts) { return Loader(opts).Run(); }

}  // namespace huracan::config
