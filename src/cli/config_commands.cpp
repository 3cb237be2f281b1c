// `huracan config check|show|init|docs`: the config file (docs/CONFIG.md). The settings come from
// config/ (loaded by RunMain before the command runs); this file only renders them.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli/command.h"
#include "config/render.h"
#include "core/fs.h"

namespace huracan::cli {
namespace {

using nlohmann::ordered_json;

struct ConfigArgs {
  std::string format = "yaml";
  std::string out;
  bool force = false;
  std::map<std::string, std::string> flag_values;  // config show's copies of the commands' flags
};

Result<int> RunCheck() {
  const config::Settings& s = ActiveSettings();
  if (s.file().empty()) {
    std::printf("ok: no config file (built-in defaults and environment)\n");
  } else {
    std::printf("ok: %s\n", s.file().c_str());
  }
  return kExitOk;
}

std::string Comment(const config::ShowEntry& e) {
  if (e.source == "default") return "default";
  return e.source == "file" ? "file " + e.origin : e.origin;
}

std::string YamlValue(const config::ShowEntry& e) {
  if (!e.set) return "null";
  if (e.secret) return "\"***\"";
  if (e.type == config::Type::kList) {
    std::string out = "[";
    for (size_t i = 0; i < e.items.size(); ++i) out += (i ? ", " : "") + config::YamlScalar(e.items[i]);
    return out + "]";
  }
  return config::YamlScalar(e.value);
}

ordered_json JsonValue(const config::ShowEntry& e) {
  if (!e.set) return nullptr;
  if (e.secret) return "***";
  switch (e.type) {
    case config::Type::kInt: return std::stoll(e.value);
    case config::Type::kDouble: return std::stod(e.value);
    case config::Type::kBool: return e.value == "true";
    case config::Type::kList: return e.items;
    default: return e.value;
  }
}

std::string RenderShowYaml(const config::ShowResult& r) {
  std::string out = "# effective settings; config file: " + (r.file.empty() ? std::string("none") : r.file) +
                    "\n# each value's source: default, file, env or flag (docs/CONFIG.md)\n";
  std::string section;
  for (const auto& e : r.entries) {
    if (e.section != section) {
      section = e.section;
      out += section + ":\n";
    }
    out += "  " + e.name + ": " + YamlValue(e) + "  # " + Comment(e) + "\n";
  }
  return out;
}

std::string RenderShowJson(const config::ShowResult& r) {
  ordered_json j;
  j["file"] = r.file.empty() ? ordered_json(nullptr) : ordered_json(r.file);
  ordered_json settings = ordered_json::object();
  for (const auto& e : r.entries) {
    ordered_json v;
    v["value"] = JsonValue(e);
    v["source"] = e.source;
    if (!e.origin.empty()) v["origin"] = e.origin;
    settings[e.key] = std::move(v);
  }
  j["settings"] = std::move(settings);
  return j.dump(2) + "\n";
}

Result<int> RunShow(const ConfigArgs& a) {
  const config::ShowResult r = config::BuildShow(ActiveSettings());
  const std::string text = a.format == "json" ? RenderShowJson(r) : RenderShowYaml(r);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

Result<int> RunInit(const ConfigArgs& a) {
  const std::string text = config::RenderInit();
  if (a.out.empty()) {
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  std::error_code ec;
  if (std::filesystem::exists(a.out, ec) && !a.force)
    return FailedPrecondition(a.out + ": already exists (use --force to overwrite)");
  HURACAN_RETURN_IF_ERROR(WriteFileAtomic(a.out, text));
  std::printf("wrote %s\n", a.out.c_str());
  return kExitOk;
}

}  // namespace

void RegisterConfigCommands(CLI::App& app, Action* out) {
  auto args = std::make_shared<ConfigArgs>();
  CLI::App* cfg = app.add_subcommand("config", "The config file: check, show, init, docs (docs/CONFIG.md)");
  cfg->require_subcommand(1);

  CLI::App* check = cfg->add_subcommand("check", "Validate the config file; print ok or every error (exit 2)");
  check->callback([out] { *out = [] { return RunCheck(); }; });

  CLI::App* show = cfg->add_subcommand("show", "Print the effective settings and where each comes from");
  show->add_option("--format", args->format, "yaml (default) or json")->check(CLI::IsMember({"yaml", "json"}));
  // The commands' flags, so that `config show` answers "what would this command line use".
  std::set<std::string> flags;
  for (const auto& d : config::Declarations()) {
    if (d.flag.empty() || !flags.insert(d.flag).second) continue;
    show->add_option(d.flag, args->flag_values[d.key], "As on the commands that have it: " + d.key);
  }
  show->callback([out, args] { *out = [args] { return RunShow(*args); }; });

  CLI::App* init = cfg->add_subcommand("init", "Print (or write) an example config with every key at its default");
  init->add_option("--out", args->out, "Write to this file (atomically) instead of printing");
  init->add_flag("--force", args->force, "Overwrite --out when it exists");
  init->callback([out, args] { *out = [args] { return RunInit(*args); }; });

  CLI::App* docs = cfg->add_subcommand("docs", "Print the key reference of docs/CONFIG.md");
  docs->callback([out] {
    *out = []() -> Result<int> {
      std::fputs(config::RenderDocs().c_str(), stdout);
      return kExitOk;
    };
  });
}

}  // namespace huracan::cli
