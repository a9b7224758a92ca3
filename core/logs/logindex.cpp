#include "logindex.h"

#include <algorithm>
#include <cstring>

namespace Baton {

LogIndex::LogIndex(int capacity)
    : m_capacity(std::max(capacity, 2))
{
    clear();
}

void LogIndex::clear()
{
    m_checkpoints.clear();
    m_checkpoints.reserve(std::min(m_capacity, 1024));
    m_checkpoints << 0; // line 0 starts at byte 0
    m_stride = 1;
    m_bytes = 0;
    m_lines = 0;
}

void LogIndex::feed(const char *data, qint64 size)
{
    const char *p = data;
    const char *end = data + size;
    while (p < end) {
        const auto *nl = static_cast<const char *>(memchr(p, '\n', size_t(end - p)));
        if (!nl)
            break;
        ++m_lines;
        if (m_lines % m_stride == 0) {
            m_checkpoints << m_bytes + (nl - data) + 1;
            if (m_checkpoints.size() > m_capacity)
                thin();
        }
        p = nl + 1;
    }
    m_bytes += size;
}

void LogIndex::thin()
{
    // Keep checkpoints 0, 2, 4, …: they are the multiples of the doubled stride.
    qsizetype out = 0;
    for (qsizetype i = 0; i < m_checkpoints.size(); i += 2)
        m_checkpoints[out++] = m_checkpoints[i];
    m_checkpoints.resize(out);
    m_stride *= 2;
}

LogIndex::Checkpoint LogIndex::checkpointAtOrBefore(qint64 offset) const
{
    const auto it = std::upper_bound(m_checkpoints.cbegin(), m_checkpoints.cend(), offset);
    const qsizetype i = std::max<qsizetype>(0, (it - m_checkpoints.cbegin()) - 1);
    return { qint64(i) * m_stride, m_checkpoints.at(i) };
}

LogIndex::Checkpoint LogIndex::checkpointForLine(qint64 line) const
{
    const qsizetype i = std::clamp<qsizetype>(line / m_stride, 0, m_checkpoints.size() - 1);
    return { qint64(i) * m_stride, m_checkpoints.at(i) };
}

} // namespace Baton
