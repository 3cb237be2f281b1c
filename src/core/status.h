// Error type used at every boundary: a small std::expected-style Result.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace huracan {

// Codes tell the caller what to do next (after absl::StatusCode).
enum class ErrorCode {
  kInvalidArgument,     // bad input from the caller: do not retry
  kFailedPrecondition,  // system not in the right state: do not retry
  kNotFound,            // a named thing does not exist
  kAlreadyExists,
  kDataLoss,          // corrupt or truncated data
  kUnimplemented,     // valid but unsupported (e.g. unknown codec)
  kUnavailable,       // transient: retry this call
  kAborted,           // retry higher up
  kDeadlineExceeded,  // timed out
  kInternal,          // a bug
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  std::string ToString() const;
  // Retry this same call (after a backoff): the failure was transient.
  bool retryable() const { return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded; }
  // Do not retry this call; retry the larger unit of work that contains it (a transaction, a
  // symbol's whole job), which starts again from a consistent state.
  bool retry_higher_up() const { return code == ErrorCode::kAborted; }
};

Error InvalidArgument(std::string msg);
Error FailedPrecondition(std::string msg);
Error NotFound(std::string msg);
Error DataLoss(std::string msg);
Error Unimplemented(std::string msg);
Error Unavailable(std::string msg);
Error Aborted(std::string msg);
Error Internal(std::string msg);

// The one way to add context to an error: the code is kept, and the message becomes
// "context: message". Context names the thing at fault (a file, a symbol, a table).
Error WithContext(Error e, std::string_view context);
// WithContext, unless the message already contains `context` (e.g. a path the reader already
// named): the file is named once.
Error WithContextUnlessNamed(Error e, std::string_view context);

// Wraps an error so Result<T> can be constructed from it unambiguously.
struct Unexpected {
  Error error;
};
inline Unexpected Fail(Error e) { return Unexpected{std::move(e)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}         // NOLINT: implicit by design
  Result(Unexpected u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}             // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Unexpected u) : err_(std::move(u.error)), ok_(false) {}  // NOLINT
  Status(Error e) : err_(std::move(e)), ok_(false) {}             // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return err_;
  }

 private:
  Error err_;
  bool ok_ = true;
};

// WithContext on a Status or Result: an ok value passes through untouched.
Status WithContext(Status s, std::string_view context);
template <typename T>
Result<T> WithContext(Result<T> r, std::string_view context) {
  if (r.ok()) return r;
  return WithContext(r.error(), context);
}

}  // namespace huracan

// Propagate an error from an expression returning Status or Result<T>.
#define HURACAN_CONCAT_INNER(a, b) a##b
#define HURACAN_CONCAT(a, b) HURACAN_CONCAT_INNER(a, b)
#define HURACAN_RETURN_IF_ERROR(expr)                          \
  do {                                                         \
    auto&& huracan_status_ = (expr);                           \
    if (!huracan_status_.ok()) return huracan_status_.error(); \
  } while (0)
// The same, with context put before the message ("context: message"). `context` is evaluated only
// on error, so it may build a string.
#define HURACAN_RETURN_IF_ERROR_CTX(expr, context)                                                \
  do {                                                                                            \
    auto&& huracan_status_ = (expr);                                                              \
    if (!huracan_status_.ok()) return ::huracan::WithContext(huracan_status_.error(), (context)); \
  } while (0)
#define HURACAN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.error();                  \
  lhs = std::move(tmp).value()
#define HURACAN_ASSIGN_OR_RETURN(lhs, expr) \
  HURACAN_ASSIGN_OR_RETURN_IMPL(HURACAN_CONCAT(huracan_result_, __LINE__), lhs, expr)
#define HURACAN_ASSIGN_OR_RETURN_CTX_IMPL(tmp, lhs, expr, context)      \
  auto tmp = (expr);                                                    \
  if (!tmp.ok()) return ::huracan::WithContext(tmp.error(), (context)); \
  lhs = std::move(tmp).value()
#define HURACAN_ASSIGN_OR_RETURN_CTX(lhs, expr, context) \
  HURACAN_ASSIGN_OR_RETURN_CTX_IMPL(HURACAN_CONCAT(huracan_result_, __LINE__), lhs, expr, context)
