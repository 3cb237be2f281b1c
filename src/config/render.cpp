#include "config/render.h"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace huracan::config {
namespace {

bool PlainSafe(const std::string& s) {
  if (s.empty() || s == "null" || s == "Null" || s == "NULL" || s == "~") return false;
  if (!std::isalnum(static_cast<unsigned char>(s[0])) && s[0] != '.' && s[0] != '/' && s[0] != '_') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) || c == '.' || c == '/' || c == '_' || c == '-' || c == '+' || c == '@' || c == '=') continue;
    if (c == ':' && i + 1 < s.size() && s[i + 1] != ' ') continue;
    return false;
  }
  return true;
}

// "env X, flag --y" (or just the env).
std::string EnvAndFlag(const KeyDecl& d) {
  std::string out = "env " + d.env;
  if (!d.flag.empty()) out += ", flag " + d.flag;
  return out;
}

std::string InitValue(const KeyDecl& d) {
  if (d.type == Type::kList) {
    if (d.default_value.empty()) return "[]";
    std::string out = "[";
    size_t start = 0;
    while (start <= d.default_value.size()) {
      size_t end = d.default_value.find(',', start);
      if (end == std::string::npos) end = d.default_value.size();
      out += (start ? ", " : "") + YamlScalar(d.default_value.substr(start, end - start));
      start = end + 1;
    }
    return out + "]";
  }
  return YamlScalar(d.default_value);
}

// The note of a section read only by a command of a later release (live, bot, serve), else "".
std::string PlannedNote(const KeyDecl& d) {
  if (!d.planned || d.read_by.empty()) return "";
  const std::string& r = d.read_by[0];
  if (r != "live" && r != "bot" && r != "serve") return "";
  return "Read by `huracan " + r + "`, which is not in this release (declared and validated now)";
}

std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

// "0..1", ">= 0", "<= 5" or "".
std::string RangeDoc(const KeyDecl& d) {
  if (d.min && d.max) return Num(*d.min) + ".." + Num(*d.max);
  if (d.min) return ">= " + Num(*d.min);
  if (d.max) return "<= " + Num(*d.max);
  return "";
}

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string YamlScalar(const std::string& text) { return PlainSafe(text) ? text : nlohmann::json(text).dump(); }

std::string RenderInit() {
  std::string out =
      "# huracan.yaml: settings of every huracan command (docs/CONFIG.md).\n"
      "# Written by `huracan config init`: every key at its built-in default, commented out.\n"
      "# Precedence: command-line flag > environment variable > this file > built-in default.\n"
      "# Secrets (database password, AWS keys, tokens) never go in this file: set their environment\n"
      "# variable, or name a file holding them with the matching *_file key.\n";
  std::string section;
  for (const auto& d : Declarations()) {
    if (d.section() != section) {
      section = d.section();
      out += "\n" + section + ":\n";
      if (const std::string note = PlannedNote(d); !note.empty()) out += "  # " + note + "\n";
    }
    out += "  # " + d.help + " (" + TypeName(d);
    if (d.min || d.max) out += ", " + RangeDoc(d);
    out += "; " + EnvAndFlag(d) + ")\n";
    if (d.secret) {
      out += "  # " + d.name() + ": secret, never inline: set " + d.env + " or " + d.secret_file_key + "\n";
    } else if (!d.has_default) {
      out += "  # " + d.name() + ":   # unset: " + d.unset_means + "\n";
    } else {
      out += "  # " + d.name() + ": " + InitValue(d) + "\n";
    }
  }
  return out;
}

std::string RenderDocs() {
  std::string out = std::string(kDocsMarker) + "\n\n## Every key\n\n";
  out +=
      "Generated from the declarations in `src/config/declarations.cpp` (`huracan config docs`; a test "
      "checks this section against them). *Flag* names the command-line option and the commands that have it.\n";
  std::string section;
  for (const auto& d : Declarations()) {
    if (d.section() != section) {
      section = d.section();
      out += "\n### `" + section + "`\n\n";
      if (const std::string note = PlannedNote(d); !note.empty()) out += note + ".\n\n";
      out += "| key | type | default | range | env | flag | help |\n|---|---|---|---|---|---|---|\n";
    }
    const std::string range = RangeDoc(d);
    std::string flag;
    if (!d.flag.empty()) {
      flag = "`" + d.flag + "` (";
      for (size_t i = 0; i < d.flag_on.size(); ++i) flag += (i ? ", " : "") + d.flag_on[i];
      flag += ")";
    }
    std::string help = d.help;
    if (d.secret)
      help = "**secret**: only from `" + d.env + "` or the file named by `" + d.secret_file_key + "`. " + help;
    if (d.planned && !d.read_by.empty() && d.read_by[0] == "s3:// archives") help += " (for s3:// archives, later)";
    if (!d.read_by.empty() && !d.planned) {
      help += ". Read by";
      for (size_t i = 0; i < d.read_by.size(); ++i) help += (i ? ", " : " ") + d.read_by[i];
    }
    out += "| `" + d.key + "` | " + Cell(TypeName(d)) + " | " + Cell(DefaultText(d)) + " | " + range + " | `" + d.env +
           "` | " + flag + " | " + Cell(help) + " |\n";
  }
  return out;
}

ShowResult BuildShow(const Settings& s) {
  ShowResult r;
  r.file = s.file();
  for (const auto& d : Declarations()) {
    const Value& v = s.Get(d.key);
    ShowEntry e;
    e.section = d.section();
    e.name = d.name();
    e.key = d.key;
    e.type = d.type;
    e.set = v.set;
    e.value = MaskedText(d, v);
    if (!d.secret) e.items = v.items;
    e.source = SourceName(v.source);
    e.origin = v.origin;
    e.secret = d.secret;
    r.entries.push_back(std::move(e));
  }
  return r;
}

}  // namespace huracan::config
