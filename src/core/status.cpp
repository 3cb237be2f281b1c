#include "core/status.h"

namespace huracan {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kDataLoss: return "data_loss";
    case ErrorCode::kUnimplemented: return "unimplemented";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kAborted: return "aborted";
    case ErrorCode::kDeadlineExceeded: return "deadline_exceeded";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Error::ToString() const { return std::string(ErrorCodeName(code)) + ": " + message; }

Error InvalidArgument(std::string msg) { return {ErrorCode::kInvalidArgument, std::move(msg)}; }
Error FailedPrecondition(std::string msg) { return {ErrorCode::kFailedPrecondition, std::move(msg)}; }
Error NotFound(std::string msg) { return {ErrorCode::kNotFound, std::move(msg)}; }
Error DataLoss(std::string msg) { return {ErrorCode::kDataLoss, std::move(msg)}; }
Error Unimplemented(std::string msg) { return {ErrorCode::kUnimplemented, std::move(msg)}; }
Error Unavailable(std::string msg) { return {ErrorCode::kUnavailable, std::move(msg)}; }
Error Aborted(std::string msg) { return {ErrorCode::kAborted, std::move(msg)}; }
Error Internal(std::string msg) { return {ErrorCode::kInternal, std::move(msg)}; }

Error WithContext(Error e, std::string_view context) {
  if (context.empty()) return e;
  e.message = std::string(context) + ": " + e.message;
  return e;
}

Error WithContextUnlessNamed(Error e, std::string_view context) {
  if (e.message.find(context) != std::string::npos) return e;
  return WithContext(std::move(e), context);
}

Status WithContext(Status s, std::string_view context) {
  if (s.ok()) return s;
  return WithContext(s.error(), context);
}

}  // namespace huracan
