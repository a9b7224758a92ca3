#pragma once

// A TCP proxy between Baton and the test PostgreSQL server that can cut a connection at the
// worst moment: around a COMMIT. Real sockets, real server; only the wire is cut, as a network
// or a server restart would.

#include <QByteArray>
#include <QSet>
#include <QString>
#include <arpa/inet.h>
#include <atomic>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace Baton::Test {

class PgProxy
{
public:
    enum class Cut {
        None,
        /// The COMMIT reaches the server, which commits; its reply never comes back.
        ReplyAfterCommit,
        /// The COMMIT never reaches the server; the connection closes (the server rolls back).
        BeforeCommit,
    };

    explicit PgProxy(int serverPort)
        : m_serverPort(serverPort)
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        ::bind(m_listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        ::listen(m_listener, 16);
        socklen_t len = sizeof addr;
        ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_acceptor = std::thread([this] { acceptLoop(); });
    }
    ~PgProxy()
    {
        m_stopping = true;
        ::shutdown(m_listener, SHUT_RDWR);
        ::close(m_listener);
        m_acceptor.join();
        std::lock_guard<std::mutex> lock(m_mutex);
        for (std::thread &t : m_pumps)
            t.join();
    }
    PgProxy(const PgProxy &) = delete;
    PgProxy &operator=(const PgProxy &) = delete;

    int port() const { return m_port; }
    /// The next COMMIT of a write transaction (Store::transaction's) that any connection sends
    /// is cut so; later ones pass.
    void armNextCommit(Cut cut) { m_armed = cut; }
    /// How many armed cuts happened.
    int cuts() const { return m_cuts; }
    /// New connections are closed at once (the server is out of reach) while set.
    void refuseNewConnections(bool refuse) { m_refuse = refuse; }

private:
    void acceptLoop()
    {
        for (;;) {
            const int client = ::accept(m_listener, nullptr, nullptr);
            if (client < 0)
                return; // closed
            if (m_stopping || m_refuse) {
                ::close(client);
                continue;
            }
            const int server = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr {};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(quint16(m_serverPort));
            if (::connect(server, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
                ::close(server);
                ::close(client);
                continue;
            }
            std::lock_guard<std::mutex> lock(m_mutex);
            m_pumps.emplace_back([this, client, server] { pump(client, server); });
        }
    }

    // Whether the frontend message @p type / @p body ends a write transaction of
    // Store::transaction: a simple-protocol "COMMIT" after the write lock was taken on this
    // connection, or the execution of a statement prepared as "COMMIT" (a pipelined
    // transaction, which prepares its statements once per connection).
    struct Connection
    {
        bool startupDone = false;
        bool locked = false; // the write lock was asked for since the last COMMIT
        QSet<QByteArray> commitNames; // prepared statements whose text is COMMIT
    };
    static bool endsWriteTransaction(Connection &c, char type, const QByteArray &body)
    {
        if (type == 'Q') {
            const QByteArray sql = body.left(body.indexOf('\0'));
            if (sql.contains("pg_advisory_xact_lock"))
                c.locked = true;
            if (sql.trimmed() == "COMMIT") {
                const bool ends = c.locked;
                c.locked = false;
                return ends;
            }
            return false;
        }
        if (type == 'P') { // Parse: name, text, …
            const int nameEnd = body.indexOf('\0');
            const QByteArray name = body.left(nameEnd);
            const QByteArray sql
                = body.mid(nameEnd + 1, body.indexOf('\0', nameEnd + 1) - nameEnd - 1);
            if (sql.trimmed() == "COMMIT")
                c.commitNames.insert(name);
            return false;
        }
        if (type == 'B') { // Bind: portal, statement, …
            const int portalEnd = body.indexOf('\0');
            const QByteArray statement
                = body.mid(portalEnd + 1, body.indexOf('\0', portalEnd + 1) - portalEnd - 1);
            return c.commitNames.contains(statement);
        }
        return false;
    }

    // Both directions of one connection, on one thread. The client's bytes are passed on whole
    // message by whole message, so that a cut falls exactly before or after a COMMIT.
    void pump(int client, int server)
    {
        Connection c;
        Cut cut = Cut::None;
        bool dropReplies = false;
        QByteArray pending; // the client's bytes not passed on yet (an incomplete message)
        char buffer[65536];
        for (;;) {
            pollfd fds[2] = { { client, POLLIN, 0 }, { server, POLLIN, 0 } };
            if (::poll(fds, 2, 100) < 0 || m_stopping)
                break;
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                const ssize_t n = ::read(client, buffer, sizeof buffer);
                if (n <= 0)
                    break;
                pending.append(buffer, int(n));
                QByteArray pass;
                bool cutNow = false;
                for (;;) {
                    // The startup message (and an SSL request) has no type byte.
                    const int header = c.startupDone ? 5 : 4;
                    if (pending.size() < header)
                        break;
                    const auto *p = reinterpret_cast<const uchar *>(pending.constData())
                        + (c.startupDone ? 1 : 0);
                    const int length = int((quint32(p[0]) << 24) | (quint32(p[1]) << 16)
                                           | (quint32(p[2]) << 8) | quint32(p[3]));
                    const int total = length + (c.startupDone ? 1 : 0);
                    if (pending.size() < total)
                        break;
                    const QByteArray message = pending.left(total);
                    pending.remove(0, total);
                    if (!c.startupDone) {
                        // An SSL request (code 80877103) is answered and followed by the startup.
                        const bool sslRequest
                            = length == 8 && message.mid(4, 4) == QByteArray("\x04\xd2\x16\x2f", 4);
                        c.startupDone = !sslRequest;
                        pass += message;
                        continue;
                    }
                    if (cut == Cut::None && endsWriteTransaction(c, message[0], message.mid(5))) {
                        Cut expected = m_armed.load();
                        if (expected != Cut::None
                            && m_armed.compare_exchange_strong(expected, Cut::None))
                            cut = expected;
                        if (cut == Cut::BeforeCommit) {
                            cutNow = true; // neither it nor anything after it reaches the server
                            break;
                        }
                        if (cut == Cut::ReplyAfterCommit)
                            dropReplies = true;
                    }
                    pass += message;
                }
                if (!pass.isEmpty() && !writeAll(server, pass))
                    break;
                if (cutNow) {
                    ++m_cuts;
                    break;
                }
            }
            if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                const ssize_t n = ::read(server, buffer, sizeof buffer);
                if (n <= 0)
                    break;
                if (dropReplies) {
                    // The server answered the COMMIT, so it committed: the client never hears.
                    ++m_cuts;
                    break;
                }
                if (!writeAll(client, QByteArray(buffer, int(n))))
                    break;
            }
        }
        ::close(client);
        ::close(server);
    }

    static bool writeAll(int fd, const QByteArray &data)
    {
        qsizetype done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }

    int m_serverPort;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stopping { false };
    std::atomic<bool> m_refuse { false };
    std::atomic<int> m_cuts { 0 };
    std::atomic<Cut> m_armed { Cut::None };
    std::thread m_acceptor;
    std::mutex m_mutex;
    std::vector<std::thread> m_pumps;
};

} // namespace Baton::Test
