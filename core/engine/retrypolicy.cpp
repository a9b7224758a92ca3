#include "retrypolicy.h"

#include <algorithm>

namespace Baton {

RetryPolicy::RetryPolicy(int retries, int delaySeconds)
    : m_retries(std::max(0, retries))
    , m_delaySeconds(std::max(0, delaySeconds))
{ }

qint64 RetryPolicy::delayMs(int attempt) const
{
    // Clamped before shifting: a shift by a negative count is undefined.
    const int doublings = std::clamp(attempt - 1, 0, MaxDoublings);
    const qint64 ms = qint64(m_delaySeconds) * 1000 * (qint64(1) << doublings);
    return std::min(ms, CapMs);
}

} // namespace Baton
