#pragma once

#include <QString>
#include <stdexcept>

namespace Baton {

/// An error meant for a person: says what went wrong and where.
/// Core reports failures by throwing it; the CLI prints it, the console shows it.
class Error : public std::runtime_error
{
public:
    explicit Error(const QString &message)
        : std::runtime_error(message.toStdString())
        , m_message(message)
    { }
    const QString &message() const noexcept { return m_message; }

private:
    QString m_message;
};

} // namespace Baton
