#pragma once

#include <QList>
#include <QString>

namespace Baton::Ui {

/// Fuzzy matching for the command palette: every character of @p pattern must appear in
/// @p text in order (case-insensitive). Matches at word starts, consecutive runs and a prefix
/// score higher, gaps lower. Returns -1 when @p text does not match; otherwise a score (higher
/// is better) and, in @p positions, where the pattern's characters were found.
int fuzzyScore(const QString &pattern, const QString &text, QList<int> *positions = nullptr);

/// Every space-separated word of @p query must match @p text (fuzzyScore); -1 otherwise, or the
/// sum of the words' scores. An empty query matches everything with score 0.
int fuzzyQueryScore(const QString &query, const QString &text);

} // namespace Baton::Ui
