#pragma once

// Shared by the engine (core/executors) and baton-supervisor (app/supervisor, plain C++): keep it
// free of Qt.

#include <cstdint>

namespace Baton {

/// The value a cancel request carries (sigqueue) for the attempt whose record is @p statePath:
/// the supervisor of another attempt ignores it. FNV-1a, 31 bits, never 0.
inline std::uint32_t cancelToken(const char *statePath)
{
    std::uint32_t h = 2166136261u;
    for (const char *c = statePath; *c; ++c) {
        h ^= static_cast<unsigned char>(*c);
        h *= 16777619u;
    }
    return (h & 0x7fffffffu) | 1u;
}

} // namespace Baton
