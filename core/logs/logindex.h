#pragma once

#include <QList>
#include <QtGlobal>

namespace Baton {

/// A sparse index of a log's line starts, built by feeding it the file's bytes in order.
///
/// It keeps the offset of every stride()-th line start (line 0, stride, 2 × stride, …). When it
/// would hold more than its capacity, the stride doubles and every other checkpoint goes, so its
/// memory is bounded whatever the size of the log (64 Ki checkpoints = 512 KiB by default): a
/// 1 GB log costs no more than a 10 MB one. Finding line N, or the number of the line at an
/// offset, takes one checkpoint lookup and a scan of at most stride() lines.
class LogIndex
{
public:
    struct Checkpoint
    {
        qint64 line = 0; ///< 0-based line number
        qint64 offset = 0; ///< where that line starts
    };

    explicit LogIndex(int capacity = 65536);

    void clear();
    /// Feeds the next @p size bytes of the file (they follow the bytes fed before).
    void feed(const char *data, qint64 size);

    /// Bytes fed so far: the index knows every line start below this offset.
    qint64 indexedBytes() const { return m_bytes; }
    /// Newlines seen so far (complete lines).
    qint64 lineCount() const { return m_lines; }
    int stride() const { return m_stride; }
    qsizetype checkpointCount() const { return m_checkpoints.size(); }
    int capacity() const { return m_capacity; }

    /// The last checkpoint at or before byte @p offset.
    Checkpoint checkpointAtOrBefore(qint64 offset) const;
    /// The last checkpoint at or before line @p line.
    Checkpoint checkpointForLine(qint64 line) const;

private:
    void thin();

    QList<qint64> m_checkpoints; // offset of line i × m_stride
    int m_capacity;
    int m_stride = 1;
    qint64 m_bytes = 0;
    qint64 m_lines = 0;
};

} // namespace Baton
