#pragma once

// A TCP proxy between Baton and the test PostgreSQL server that can cut a connection at the
// worst moment: around a COMMIT. Real sockets, real server; only the wire is cut, as a network
// or a server restart would.

#include <QByteArray>
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

    // Both directions of one connection, on one thread.
    void pump(int client, int server)
    {
        // A simple-protocol Query message holding exactly "COMMIT" (how QPSQL sends it).
        static const QByteArray commit("Q\0\0\0\x0b"
                                       "COMMIT\0",
                                       12);
        Cut cut = Cut::None;
        bool dropReplies = false;
        bool writing = false;
        QByteArray seen; // the tail of what the client sent, to find a COMMIT split in two reads
        char buffer[65536];
        for (;;) {
            pollfd fds[2] = { { client, POLLIN, 0 }, { server, POLLIN, 0 } };
            if (::poll(fds, 2, 100) < 0 || m_stopping)
                break;
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                const ssize_t n = ::read(client, buffer, sizeof buffer);
                if (n <= 0)
                    break;
                QByteArray chunk(buffer, int(n));
                seen = seen.right(commit.size()) + chunk;
                // Only the COMMITs of Store::transaction (it takes the write lock after BEGIN).
                if (chunk.contains("pg_advisory_xact_lock"))
                    writing = true;
                if (seen.contains(commit)) {
                    Cut expected = m_armed.load();
                    if (cut == Cut::None && writing && expected != Cut::None
                        && m_armed.compare_exchange_strong(expected, Cut::None))
                        cut = expected;
                    writing = false;
                    seen.clear(); // this COMMIT is not found again in the next read
                }
                if (cut == Cut::BeforeCommit) {
                    ++m_cuts;
                    break; // neither the COMMIT nor anything after it reaches the server
                }
                if (!writeAll(server, chunk))
                    break;
                if (cut == Cut::ReplyAfterCommit)
                    dropReplies = true;
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
