// Checks of the settings as a whole, after every source is merged: what each value must name
// (a recipe, engine ids, a rules file, a timeframe) and the conflicts between settings.
#pragma once

#include <string>
#include <vector>

#include "config/settings.h"

namespace huracan::config {

// Appends one "WHERE: KEY: message" line per problem to `errors`.
void ValidateSettings(const Settings& s, std::vector<std::string>* errors);

// " (did you mean X?)" for the candidate closest to `word` within a small edit distance, else "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

// Database URLs: whether the user-info part holds a password (or ?password=), the URL with a
// password put in (percent-encoded), and the URL with its password shown as ***.
bool UrlHasPassword(const std::string& url);
std::string WithPassword(const std::string& url, const std::string& password);
std::string MaskUrlPassword(const std::string& url);

}  // namespace huracan::config
