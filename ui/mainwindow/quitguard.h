#pragma once

#include <QMessageBox>
#include <QObject>
#include <QPointer>
#include <functional>

class QWidget;

namespace Baton::Ui {

/// Asks before the console quits while the engine embedded in it has work (issue #17): runs not
/// finished would wait, with nothing to start their next tasks, until some engine runs again.
/// The question (window-modal, never blocking the event loop) offers to keep the engine running
/// headless — `baton engine` started detached by the launcher the app sets, so it survives the
/// console and takes the workspace over when this one lets go — to quit anyway, or to cancel.
class QuitGuard : public QObject
{
    Q_OBJECT
public:
    /// Starts the headless engine; false (with @p error) when it could not be started.
    using Launcher = std::function<bool(QString *error)>;

    explicit QuitGuard(QWidget *window);

    void setLauncher(Launcher launcher) { m_launcher = std::move(launcher); }
    bool hasLauncher() const { return bool(m_launcher); }

    /// Whether the window may close now. When this console's engine holds the workspace and
    /// @p running + @p queued runs are not finished, it may not: the question opens and
    /// closeApproved() follows a decision to quit.
    bool allowClose(bool engineHere, int running, int queued);
    /// The question while it is open.
    QMessageBox *question() const { return m_question.data(); }

Q_SIGNALS:
    /// The user chose to quit (the engine started headless, or quit anyway): close again.
    void closeApproved();

private:
    QWidget *m_window;
    Launcher m_launcher;
    QPointer<QMessageBox> m_question;
    bool m_approved = false;
};

} // namespace Baton::Ui
