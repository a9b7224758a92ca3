#pragma once

#include <QtGlobal>

namespace Baton {

/// When a failed attempt is tried again: a task's `retries` and `retry_delay` (README,
/// "Retries"). Exponential backoff without jitter: the delay, then 2×, 4×, … capped at one
/// hour, so that the same failure always waits the same time (the run detail draws it).
/// Attempts that never started (their supervisor never took them) count for neither.
class RetryPolicy
{
public:
    static constexpr qint64 CapMs = 3600 * 1000; ///< no wait is longer than this
    static constexpr int MaxDoublings = 16; ///< the delay doubles at most this often

    /// @p retries: attempts after the first; @p delaySeconds: the wait before the first retry.
    /// Negative values (never written by the parser, but a stored setting may hold anything)
    /// count as 0.
    RetryPolicy(int retries, int delaySeconds);

    int retries() const { return m_retries; }
    int delaySeconds() const { return m_delaySeconds; }

    /// Whether attempt @p attempt (1 for the first; attempts that never started not counted)
    /// that failed, timed out or was lost may be tried again.
    bool allowsRetry(int attempt) const { return attempt <= m_retries; }

    /// How long to wait after attempt @p attempt failed before the next one: delay ×
    /// 2^(attempt−1), at most CapMs. Attempt numbers below 1 count as 1.
    qint64 delayMs(int attempt) const;

private:
    int m_retries = 0;
    int m_delaySeconds = 0;
};

} // namespace Baton
