// SHA-256 over bytes and files (OpenSSL), as lowercase hex; HMAC-SHA256 (SigV4 signing).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace huracan {

std::string Sha256Hex(std::string_view bytes);
Result<std::string> Sha256File(const std::string& path);
// HMAC-SHA256 of `data` under `key`: the 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);
// Bytes as lowercase hex.
std::string HexLower(std::string_view bytes);

}  // namespace huracan
