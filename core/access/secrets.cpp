#include "secrets.h"

#include "access/auditlog.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <cerrno>
#include <cstring>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Baton {

namespace {

const QLatin1String kPrefix("v1:");
constexpr qsizetype kKeyIdLength = 16;

void initSodium()
{
    // Thread-safe and idempotent; -1 only when no entropy source exists.
    if (sodium_init() < 0)
        throw Error(QStringLiteral("libsodium cannot start (no random source?)"));
}

QString howToGetAKey()
{
    return QStringLiteral("create one with 'baton secrets init-key' (a key file at %1, or "
                          "$BATON_SECRET_KEY_FILE), or set $BATON_SECRET_KEY")
        .arg(Secrets::keyFilePath());
}

struct StoredSecret
{
    qint64 id;
    QString name;
    QString value;
};

QList<StoredSecret> storedSecrets(const QSqlDatabase &db)
{
    QList<StoredSecret> out;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT id, name, value FROM variables WHERE "
                                           "secret <> 0 AND value IS NOT NULL ORDER BY id"));
    while (q.next())
        out << StoredSecret { q.value(0).toLongLong(), q.value(1).toString(),
                              q.value(2).toString() };
    return out;
}

} // namespace

QString Secrets::keyFilePath()
{
    const QString fromEnv = qEnvironmentVariable("BATON_SECRET_KEY_FILE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(QStringLiteral("baton/secret.key"));
}

SecretKey Secrets::fromBytes(const QByteArray &bytes, const QString &source)
{
    if (bytes.size() != crypto_secretbox_KEYBYTES)
        throw Error(QStringLiteral("%1: not a Baton secret key (expected %2 bytes in base64, "
                                   "got %3)")
                        .arg(source)
                        .arg(crypto_secretbox_KEYBYTES)
                        .arg(bytes.size()));
    const QString id = QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().left(kKeyIdLength));
    return SecretKey { bytes, id, source };
}

SecretKey Secrets::readKeyFile(const QString &path)
{
    struct stat st;
    const QByteArray native = QFile::encodeName(path);
    if (::stat(native.constData(), &st) != 0)
        throw Error(QStringLiteral("secret key file %1 does not exist").arg(path));
    // The key opens every secret: a file others may read is a leak already, not a key to use.
    if ((st.st_mode & 0077) != 0)
        throw Error(QStringLiteral("secret key file %1 is readable by others (mode %2): refused; "
                                   "make it private with 'chmod 600 %1'")
                        .arg(path)
                        .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0')));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("cannot read secret key file %1: %2").arg(path, file.errorString()));
    const QByteArray text = file.readAll().trimmed();
    const auto decoded
        = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        throw Error(QStringLiteral("secret key file %1: not base64").arg(path));
    return fromBytes(*decoded, path);
}

std::optional<SecretKey> Secrets::loadKey()
{
    const QByteArray env = qgetenv("BATON_SECRET_KEY").trimmed();
    if (!env.isEmpty()) {
        const auto decoded
            = QByteArray::fromBase64Encoding(env, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            throw Error(QStringLiteral("$BATON_SECRET_KEY: not base64"));
        return fromBytes(*decoded, QStringLiteral("$BATON_SECRET_KEY"));
    }
    const QString path = keyFilePath();
    if (!QFileInfo::exists(path))
        return std::nullopt;
    return readKeyFile(path);
}

SecretKey Secrets::requireKey(const QString &what)
{
    if (auto key = loadKey())
        return *key;
    throw Error(
        QStringLiteral("%1 needs the secret key, and there is none: %2").arg(what, howToGetAKey()));
}

SecretKey Secrets::generate()
{
    initSodium();
    QByteArray bytes(crypto_secretbox_KEYBYTES, Qt::Uninitialized);
    crypto_secretbox_keygen(reinterpret_cast<unsigned char *>(bytes.data()));
    return fromBytes(bytes, QStringLiteral("new key"));
}

void Secrets::writeKeyFile(const SecretKey &key, const QString &path)
{
    const auto refuse = [&] {
        return Error(QStringLiteral("%1 already exists: a key file is never overwritten (the "
                                    "secrets sealed with it would be lost)")
                         .arg(path));
    };
    if (QFileInfo::exists(path))
        throw refuse();
    const QString dir = QFileInfo(path).absolutePath();
    if (!QFileInfo::exists(dir)) {
        if (!QDir().mkpath(dir))
            throw Error(QStringLiteral("cannot create %1").arg(dir));
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    // Written whole under a private temporary name, then linked into place: link() fails when
    // the name exists, so two processes making a key at once cannot overwrite each other's.
    QTemporaryFile temp(path + QStringLiteral(".XXXXXX"));
    if (!temp.open() || !temp.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
        || temp.write(key.bytes.toBase64() + '\n') < 0 || !temp.flush()
        || ::fsync(temp.handle()) != 0)
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, temp.errorString()));
    if (::link(QFile::encodeName(temp.fileName()).constData(), QFile::encodeName(path).constData())
        != 0) {
        if (errno == EEXIST)
            throw refuse();
        throw Error(QStringLiteral("cannot write %1: %2")
                        .arg(path, QString::fromLocal8Bit(strerror(errno))));
    }
}

bool Secrets::createKeyIfMissing()
{
    if (loadKey())
        return false;
    try {
        writeKeyFile(generate(), keyFilePath());
    } catch (const Error &) {
        if (!loadKey()) // another process made it meanwhile: that one is the key
            throw;
        return false;
    }
    return true;
}

bool Secrets::isSealed(const QString &stored)
{
    return stored.startsWith(kPrefix) && stored.size() > kPrefix.size() + kKeyIdLength + 1
        && stored.at(kPrefix.size() + kKeyIdLength) == QLatin1Char(':');
}

QString Secrets::keyIdOf(const QString &stored)
{
    return isSealed(stored) ? stored.mid(kPrefix.size(), kKeyIdLength) : QString();
}

QString Secrets::seal(const QString &plain, const SecretKey &key)
{
    initSodium();
    const QByteArray message = plain.toUtf8();
    QByteArray box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + message.size(),
                   Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(box.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char *>(message.constData()),
                          message.size(), nonce,
                          reinterpret_cast<const unsigned char *>(key.bytes.constData()));
    return kPrefix + key.id + QLatin1Char(':') + QString::fromLatin1(box.toBase64());
}

QString Secrets::open(const QString &stored, const SecretKey &key, const QString &what)
{
    initSodium();
    const QString needed = keyIdOf(stored);
    if (needed.isEmpty())
        throw Error(QStringLiteral("%1 is not an encrypted value").arg(what));
    if (needed != key.id)
        throw Error(QStringLiteral("%1 was encrypted with key %2, but the key here (%3) is %4: "
                                   "the wrong key, or one from before a rotation")
                        .arg(what, needed, key.source, key.id));
    const auto box
        = QByteArray::fromBase64Encoding(stored.mid(kPrefix.size() + kKeyIdLength + 1).toLatin1(),
                                         QByteArray::AbortOnBase64DecodingErrors);
    if (!box
        || box.decoded.size() < qsizetype(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES))
        throw Error(QStringLiteral("%1: the encrypted value is damaged").arg(what));
    const auto *nonce = reinterpret_cast<const unsigned char *>(box.decoded.constData());
    const qsizetype cipherSize = box.decoded.size() - crypto_secretbox_NONCEBYTES;
    QByteArray plain(cipherSize - crypto_secretbox_MACBYTES, Qt::Uninitialized);
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char *>(plain.data()),
                                   nonce + crypto_secretbox_NONCEBYTES, cipherSize, nonce,
                                   reinterpret_cast<const unsigned char *>(key.bytes.constData()))
        != 0) {
        throw Error(QStringLiteral("%1 does not decrypt with key %2: the value was altered")
                        .arg(what, key.id));
    }
    return QString::fromUtf8(plain);
}

QString Secrets::sealForStore(const QString &plain, const QString &name)
{
    return seal(plain, requireKey(QStringLiteral("writing secret '%1'").arg(name)));
}

QString Secrets::reveal(QList<ResolvedVariable> &variables)
{
    std::optional<SecretKey> key;
    for (ResolvedVariable &v : variables) {
        if (!v.secret || !isSealed(v.value))
            continue;
        const QString what = QStringLiteral("secret '%1'").arg(v.name);
        try {
            if (!key)
                key = requireKey(QStringLiteral("reading ") + what);
            v.value = open(v.value, *key, what);
        } catch (const Error &e) {
            return e.message();
        }
    }
    return {};
}

Secrets::Counts Secrets::counts(const Store &store)
{
    Counts c;
    QSqlQuery q
        = Sql::exec(store.db(), QStringLiteral("SELECT value FROM variables WHERE secret <> 0"));
    while (q.next()) {
        if (q.value(0).isNull()) {
            ++c.unset;
        } else if (const QString id = keyIdOf(q.value(0).toString()); !id.isEmpty()) {
            ++c.sealed;
            if (!c.keyIds.contains(id))
                c.keyIds << id;
        } else {
            ++c.clear;
        }
    }
    return c;
}

int Secrets::encryptClear(const Store &store, const SecretKey &key, const QString &actor)
{
    int done = 0;
    store.transaction([&](QSqlDatabase &tx) {
        for (const StoredSecret &s : storedSecrets(tx)) {
            if (isSealed(s.value))
                continue;
            Sql::exec(tx, QStringLiteral("UPDATE variables SET value = ? WHERE id = ?"),
                      { seal(s.value, key), s.id });
            ++done;
        }
        if (done > 0)
            AuditLog::record(tx, 0, actor, QStringLiteral("secrets.encrypt"),
                             { QStringLiteral("workspace"), 0, {} }, {}, {},
                             QStringLiteral("encrypted %1 secret(s) stored in clear with key %2")
                                 .arg(done)
                                 .arg(key.id));
    });
    return done;
}

int Secrets::rotate(const Store &store, const SecretKey &oldKey, const SecretKey &newKey,
                    const QString &actor)
{
    if (oldKey.id == newKey.id)
        throw Error(QStringLiteral("the new key (%1) is the current key").arg(newKey.id));
    int done = 0;
    store.transaction([&](QSqlDatabase &tx) {
        for (const StoredSecret &s : storedSecrets(tx)) {
            const QString plain = isSealed(s.value)
                ? open(s.value, oldKey,
                       QStringLiteral("secret '%1' (variable #%2)").arg(s.name).arg(s.id))
                : s.value;
            Sql::exec(tx, QStringLiteral("UPDATE variables SET value = ? WHERE id = ?"),
                      { seal(plain, newKey), s.id });
            ++done;
        }
        AuditLog::record(tx, 0, actor, QStringLiteral("secrets.rotate"),
                         { QStringLiteral("workspace"), 0, {} }, {}, {},
                         QStringLiteral("re-encrypted %1 secret(s) from key %2 to key %3")
                             .arg(done)
                             .arg(oldKey.id, newKey.id));
    });
    return done;
}

} // namespace Baton
