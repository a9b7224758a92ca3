#include "inlineassignments.h"

#include <optional>

namespace Baton {

namespace {

bool isNameStart(QChar c)
{
    return c == QLatin1Char('_') || (c.isLetter() && c.unicode() < 128);
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c.isDigit() && c.unicode() < 128);
}

bool endsWord(QChar c)
{
    return c.isSpace() || QStringLiteral(";&|<>()").contains(c);
}

// One shell word from @p at (quotes removed); nullopt when a quote is left open.
std::optional<QString> word(const QString &s, int &at, bool &literal)
{
    QString out;
    while (at < s.size() && !endsWord(s.at(at))) {
        const QChar c = s.at(at);
        if (c == QLatin1Char('\'')) {
            const int end = s.indexOf(QLatin1Char('\''), at + 1);
            if (end < 0)
                return std::nullopt;
            out += s.mid(at + 1, end - at - 1);
            at = end + 1;
        } else if (c == QLatin1Char('"')) {
            ++at;
            while (at < s.size() && s.at(at) != QLatin1Char('"')) {
                if (s.at(at) == QLatin1Char('\\') && at + 1 < s.size()
                    && QStringLiteral("\"\\$`").contains(s.at(at + 1)))
                    ++at;
                else if (s.at(at) == QLatin1Char('$') || s.at(at) == QLatin1Char('`'))
                    literal = false;
                out += s.at(at++);
            }
            if (at >= s.size())
                return std::nullopt;
            ++at;
        } else if (c == QLatin1Char('\\') && at + 1 < s.size()) {
            out += s.at(at + 1);
            at += 2;
        } else {
            if (c == QLatin1Char('$') || c == QLatin1Char('`'))
                literal = false;
            out += c;
            ++at;
        }
    }
    return out;
}

void skipSpaces(const QString &s, int &at)
{
    while (at < s.size() && (s.at(at) == QLatin1Char(' ') || s.at(at) == QLatin1Char('\t')))
        ++at;
}

} // namespace

QList<InlineAssignment> inlineAssignments(const QString &command)
{
    QList<InlineAssignment> found;
    int at = 0;
    skipSpaces(command, at);
    // `env A=1 cmd` passes A just the same.
    if (command.mid(at, 4) == QLatin1String("env ")
        || command.mid(at, 4) == QLatin1String("env\t")) {
        at += 4;
        skipSpaces(command, at);
    }
    while (at < command.size() && isNameStart(command.at(at))) {
        int end = at;
        while (end < command.size() && isNameChar(command.at(end)))
            ++end;
        if (end >= command.size() || command.at(end) != QLatin1Char('='))
            break; // the command word
        InlineAssignment a;
        a.name = command.mid(at, end - at);
        int next = end + 1;
        const int valueStart = next;
        const std::optional<QString> value = word(command, next, a.literal);
        if (!value)
            break; // an open quote: the shell refuses it anyway
        a.value = a.literal ? *value : command.mid(valueStart, next - valueStart);
        if (next < command.size() && !command.at(next).isSpace())
            break; // `A=1;` or `A=1&&`: a plain assignment in the shell, not the job's
        if (next >= command.size())
            break; // nothing runs after it: it sets nothing for a job
        found << a;
        at = next;
        skipSpaces(command, at);
    }
    // `A=1 ; cmd` sets a shell variable, not the command's environment.
    if (at >= command.size() || endsWord(command.at(at)))
        return {};
    return found;
}

} // namespace Baton
