// SHA-256 over bytes and files (OpenSSL), as lowercase hex.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace huracan {

std::string Sha256Hex(std::string_view bytes);
Result<std::string> Sha256File(const std::string& path);

}  // namespace huracan
