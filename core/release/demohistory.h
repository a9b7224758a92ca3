#pragma once

#include <QString>
#include <QStringList>

namespace Baton {

class Store;

/// The release history `baton init --demo` adds on top of the imported demo projects, so the
/// Releases mode has something real to show: churn/nightly v2 promoted up to prod (approved by
/// a second release manager), v3 (model v7 with a lower decision threshold) in dev, staging and
/// preprod with a prod approval pending, detected runtimes and a deprecation date.
///
/// It writes through the same tables as real promotions, but as a seed it skips the gates
/// (the demo has no runs yet); every event says "demo history" in its details.
class DemoHistory
{
public:
    /// Requires the demo's churn project in the workspace. Returns what it did, one line each.
    static QStringList write(const Store &store, const QString &actor);
};

} // namespace Baton
