#pragma once

// Numbers in the supervisor protocol: plain decimal, nothing else (no sign unless allowed, no
// spaces, no "0x", no overflow). Internal to core/protocol.

#include <charconv>
#include <cstdint>
#include <string_view>

namespace Baton::Protocol::Detail {

/// Whether @p text is a whole decimal number (a leading '-' only with @p allowNegative), read
/// into @p value.
inline bool parseInteger(std::string_view text, std::int64_t *value, bool allowNegative = false)
{
    if (text.empty() || text.size() > 20 || text.front() == '+'
        || (text.front() == '-' && !allowNegative))
        return false;
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, *value);
    return ec == std::errc() && ptr == end;
}

} // namespace Baton::Protocol::Detail
