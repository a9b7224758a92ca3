#pragma once

#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace Baton::Ui {

class LogView;

/// The log viewer: a LogView with a find bar (next/previous, match case, highlight), "first
/// error", follow, copy and save, and a status line (size, lines, indexing progress, position).
///
/// Keys: Ctrl+F find, Enter / F3 next, Shift+Enter / Shift+F3 previous, Ctrl+Shift+E first error,
/// End follow, Ctrl+C copy, Ctrl+S save.
class LogViewer : public QWidget
{
    Q_OBJECT
public:
    explicit LogViewer(QWidget *parent = nullptr);

    /// Shows @p path; @p title names it in the status line (e.g. "extract · attempt 2");
    /// @p live: the attempt is still running, so the view follows new output.
    void setLog(const QString &path, const QString &title = {}, bool live = false);
    /// Whether new output is still expected (the view keeps following only while it is).
    void setLive(bool live);
    QString path() const;
    QString title() const { return m_title; }

    LogView *view() const { return m_view; }
    QLineEdit *findEdit() const { return m_findEdit; }
    QCheckBox *caseCheck() const { return m_case; }
    QToolButton *followButton() const { return m_follow; }
    QLabel *statusLabel() const { return m_status; }
    /// What the find bar last said ("3 of …", "not found", "wrapped"), for tests and screen
    /// readers.
    QString findMessage() const;

public Q_SLOTS:
    void focusFind();
    /// Asks where to save (the log as is, or its text only) and saves off the GUI thread.
    void saveAs();

Q_SIGNALS:
    void saved(const QString &target, const QString &error);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateStatus();
    void showLive(bool live);
    void setFindMessage(const QString &message, bool bad);

    LogView *m_view;
    QString m_title;
    QLineEdit *m_findEdit;
    QCheckBox *m_case;
    QToolButton *m_prev;
    QToolButton *m_next;
    QToolButton *m_firstError;
    QToolButton *m_follow;
    QToolButton *m_copy;
    QToolButton *m_save;
    QLabel *m_findMessage;
    QLabel *m_status;
};

} // namespace Baton::Ui
