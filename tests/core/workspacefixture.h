#pragma once
// A new, empty workspace for each test function, under one temporary directory: what most core
// tests that touch the store start from.

#include "store/store.h"
#include "store/workspace.h"

#include <QTemporaryDir>
#include <memory>

namespace Baton::Test {

class WorkspaceFixture
{
public:
    /// A new workspace (call from init()); the previous one is closed.
    Workspace &renew()
    {
        m_ws = std::make_unique<Workspace>(m_dir.filePath(QString::number(++m_counter)),
                                           Workspace::Mode::CreateIfMissing);
        return *m_ws;
    }
    Workspace &workspace() const { return *m_ws; }
    const Store &store() const { return m_ws->store(); }
    QSqlDatabase db() const { return m_ws->store().db(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;
};

} // namespace Baton::Test
