#include "quitguard.h"

#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

namespace Baton::Ui {

QuitGuard::QuitGuard(QWidget *window)
    : QObject(window)
    , m_window(window)
{ }

bool QuitGuard::allowClose(bool engineHere, int running, int queued)
{
    if (m_approved || !engineHere || running + queued == 0)
        return true;
    if (m_question) {
        m_question->raise();
        return false;
    }
    QStringList work;
    if (running > 0)
        work << (running == 1 ? tr("1 run running") : tr("%1 runs running").arg(running));
    if (queued > 0)
        work << (queued == 1 ? tr("1 run queued") : tr("%1 runs queued").arg(queued));
    auto *box = new QMessageBox(
        QMessageBox::Warning, tr("Quit Baton"),
        tr("The engine in this console is running work: %1.").arg(work.join(tr(" and "))),
        QMessageBox::NoButton, m_window);
    box->setObjectName(QStringLiteral("quitEngineQuestion"));
    box->setInformativeText(
        tr("If it quits with the console, tasks already started carry on, but nothing starts "
           "the next ones, retries them or fires schedules until an engine runs again.\n\n"
           "Keep Engine Running starts `baton engine` on this workspace, detached: it takes over "
           "when the console has quit and keeps running without it (its output goes to the "
           "workspace's logs/engine-headless.log; stop it with Ctrl+C or kill)."));
    QPushButton *keep = box->addButton(tr("&Keep Engine Running"), QMessageBox::AcceptRole);
    keep->setObjectName(QStringLiteral("keepEngineButton"));
    keep->setEnabled(bool(m_launcher));
    if (!m_launcher)
        keep->setToolTip(tr("This console cannot start a headless engine"));
    QPushButton *quit = box->addButton(tr("&Quit Anyway"), QMessageBox::DestructiveRole);
    quit->setObjectName(QStringLiteral("quitAnywayButton"));
    QPushButton *cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(m_launcher ? keep : cancel);
    box->setEscapeButton(cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, keep, quit] {
        QAbstractButton *clicked = box->clickedButton();
        if (clicked == keep) {
            QString error;
            if (!m_launcher(&error)) {
                // The work would be orphaned: say so and keep the console open.
                auto *failed = new QMessageBox(
                    QMessageBox::Critical, tr("Engine Not Started"),
                    tr("The headless engine could not be started; the console stays open."),
                    QMessageBox::Ok, m_window);
                failed->setObjectName(QStringLiteral("headlessEngineFailed"));
                failed->setInformativeText(error);
                failed->setAttribute(Qt::WA_DeleteOnClose);
                failed->open();
                return;
            }
        } else if (clicked != quit) {
            return; // cancelled: the console stays
        }
        m_approved = true;
        Q_EMIT closeApproved();
    });
    m_question = box;
    box->open();
    return false;
}

} // namespace Baton::Ui
