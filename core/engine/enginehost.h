#pragma once

#include "engine.h"

#include <QObject>
#include <QThread>

namespace Baton {

class Workspace;

/// Hosts an Engine on a thread of its own, for the console: it runs the workspace's engine
/// when no other engine holds the lease, and stands by (retrying) while another one does.
/// The GUI thread never waits on it.
class EngineHost : public QObject
{
    Q_OBJECT
public:
    explicit EngineHost(Workspace *workspace, const EngineOptions &options = {},
                        QObject *parent = nullptr);
    /// Stops the engine (its lease released, running attempts left to the next engine).
    ~EngineHost() override;

    /// The lease holder id this host's engine uses: lets a screen tell "this console" apart.
    QString holder() const { return m_holder; }

Q_SIGNALS:
    /// True while this host's engine holds the workspace; @p detail says why not otherwise.
    void stateChanged(bool running, const QString &detail);

private:
    QThread m_thread;
    QObject *m_worker = nullptr;
    QString m_holder;
};

} // namespace Baton
