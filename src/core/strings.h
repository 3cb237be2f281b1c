// Small string helpers shared by every layer: splitting, trimming, case, joining.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace huracan {

// Splits on `sep`, keeping every piece, empty ones too: Split("a,,b", ',') = {"a", "", "b"},
// Split("", ',') = {""}. The pieces view `s`.
std::vector<std::string_view> Split(std::string_view s, char sep);

// `s` without leading and trailing whitespace (std::isspace).
std::string_view TrimView(std::string_view s);
std::string Trim(std::string_view s);

// What to do with an empty item in a comma-separated list ("a,,b", a trailing comma).
enum class EmptyItems : bool { kDrop, kKeep };

// The one parser of comma-separated lists on the command line (engine ids, symbols):
// "gbdt, donchian_breakout," -> {"gbdt", "donchian_breakout"}. Items are trimmed of whitespace;
// empty items are dropped, or kept (as "") for a caller that refuses them with its own message.
std::vector<std::string> SplitCommaList(std::string_view s, EmptyItems empty = EmptyItems::kDrop);

// The items joined with `sep` between them.
std::string Join(const std::vector<std::string>& items, std::string_view sep);

// ASCII case mapping.
std::string Upper(std::string_view s);
std::string Lower(std::string_view s);

}  // namespace huracan
