#pragma once

#include <QString>
#include <QStringList>

namespace Baton {

/// The candidate @p word was probably meant to be: within edit distance 2 (case-insensitive),
/// else the only candidate it is a prefix of. Empty when nothing is close.
QString closestMatch(const QString &word, const QStringList &candidates);

/// " (did you mean 'x'?)" for the closest candidate, or empty: appended to error messages.
QString didYouMean(const QString &word, const QStringList &candidates);

} // namespace Baton
