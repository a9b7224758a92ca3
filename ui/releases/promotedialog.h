#pragma once

#include "release/promotion.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableWidget;
class QTreeWidget;

namespace Baton::Ui {

/// The promote dialog: what a promotion will change before it is confirmed. It opens at once
/// with "Checking gates…" and is filled by setPlan() when the worker has planned it: the diff
/// against what the target runs now, variables that differ, the target's rewrite rules, and
/// every gate with pass/fail and why. Confirm is enabled only when no gate failed; it reads
/// "Request approval" when the target has an approval policy.
///
/// The same dialog approves a request (setApproval()): the plan is the one approving would
/// carry out, every gate evaluated again; Confirm reads "Approve".
class PromoteDialog : public QDialog
{
    Q_OBJECT
public:
    PromoteDialog(const QString &kind, const QString &project, const QString &name,
                  const QString &toEnvironment, QWidget *parent = nullptr);

    QString kind() const { return m_kind; }
    QString project() const { return m_project; }
    QString name() const { return m_name; }
    QString toEnvironment() const { return m_to; }
    /// The planned version (0 until the plan arrives).
    int version() const { return m_plan.version; }
    QString note() const;
    bool hasPlan() const { return m_hasPlan; }
    const Baton::PromotionPlan &plan() const { return m_plan; }

    /// Turns the dialog into the approval of @p request (before its plan arrives).
    void setApproval(const Baton::PromotionRequest &request);
    /// The request being approved (0: a promotion).
    qint64 requestId() const { return m_request.id; }

    void setPlan(const Baton::PromotionPlan &plan);
    /// Planning failed (e.g. nothing deployed in the source): shows why, nothing to confirm.
    void setError(const QString &message);

    QPushButton *confirmButton() const { return m_confirm; }
    QTreeWidget *gatesView() const { return m_gates; }
    QTableWidget *variablesView() const { return m_variables; }
    QTableWidget *rewritesView() const { return m_rewrites; }
    QPlainTextEdit *diffView() const { return m_diff; }
    QTabWidget *tabs() const { return m_tabs; }

private:
    QString m_kind;
    QString m_project;
    QString m_name;
    QString m_to;
    Baton::PromotionPlan m_plan;
    Baton::PromotionRequest m_request;
    bool m_hasPlan = false;

    QLabel *m_header;
    QLabel *m_status;
    QTreeWidget *m_gates;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_diff;
    QTableWidget *m_variables;
    QTableWidget *m_rewrites;
    QLineEdit *m_note;
    QLabel *m_noteLabel;
    QDialogButtonBox *m_buttons;
    QPushButton *m_confirm;
};

} // namespace Baton::Ui
