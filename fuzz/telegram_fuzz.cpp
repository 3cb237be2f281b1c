// libFuzzer target for the Telegram Bot API answers the bot reads (control/telegram_bot.h): the
// getUpdates body, each update in it, and the command in its text. Nothing throws; a failed
// answer always has a description; a reply is split into parts under Telegram's limit that
// together hold every byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "control/commands.h"
#include "control/telegram_bot.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace huracan;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  const long status = size > 0 && data[0] == '{' ? 200 : 429;
  control::ApiReply reply = control::ParseApiReply(status, body);
  fuzz::Check(reply.ok || !reply.description.empty(), "a failed answer without a description");
  fuzz::Check(!reply.ok || status == 200, "ok on an HTTP error");
  if (!reply.result.is_array()) return 0;
  for (const auto& item : reply.result) {
    const control::IncomingUpdate u = control::ParseUpdate(item);
    if (!u.has_chat) continue;
    (void)control::ParseCommand(u.text);
    const auto parts = control::SplitMessage(u.text, 64);
    size_t total = 0;
    for (const auto& part : parts) {
      fuzz::Check(part.size() <= 64, "a message part over the limit");
      total += part.size();
    }
    // Only the newlines a split happens at are dropped.
    fuzz::Check(total <= u.text.size() && total + parts.size() - 1 >= u.text.size(), "a split lost bytes");
    const std::string token = "123456789:AAH-fuzzToken_x";
    const std::string redacted =
        control::RedactToken(u.text.substr(0, u.text.size() / 2) + token + u.text.substr(u.text.size() / 2), token);
    fuzz::Check(redacted.find(token) == std::string::npos, "the token survived redaction");
  }
  return 0;
}
