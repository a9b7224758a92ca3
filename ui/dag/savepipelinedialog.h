#pragma once

#include "graph/pipelinediff.h"

#include <QDialog>

class QDialogButtonBox;
class QLineEdit;
class QPlainTextEdit;

namespace Baton::Ui {

/// Asks for the message of a new pipeline version and shows what it changes against the
/// version it replaces (tasks and edges added, removed, changed).
class SavePipelineDialog : public QDialog
{
    Q_OBJECT
public:
    SavePipelineDialog(const QString &pipeline, int baseVersion, const PipelineDiff &diff,
                       QWidget *parent = nullptr);

    QString message() const;
    QLineEdit *messageEdit() const { return m_message; }
    QPlainTextEdit *diffView() const { return m_diff; }

private:
    QLineEdit *m_message;
    QPlainTextEdit *m_diff;
    QDialogButtonBox *m_buttons;
};

} // namespace Baton::Ui
