#pragma once
// What a refused call says: the Baton::Error message it threw, or empty when it went through.

#include "util/error.h"

#include <QString>
#include <functional>

namespace Baton::Test {

inline QString refusal(const std::function<void()> &work)
{
    try {
        work();
    } catch (const Error &e) {
        return e.message();
    }
    return {};
}

} // namespace Baton::Test
