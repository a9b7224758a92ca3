#include "secretcommands.h"

#include "access/identity.h"
#include "access/secrets.h"
#include "common.h"
#include "output.h"

#include <QFileInfo>
#include <QSaveFile>

namespace Baton::Cli {

namespace {

const QString kUsage
    = QStringLiteral("usage: baton secrets init-key [--key-file F] | status | encrypt | rotate-key "
                     "--new-key-file F");

int initKey(QCommandLineParser &parser)
{
    const QString path = parser.isSet(QStringLiteral("key-file"))
        ? parser.value(QStringLiteral("key-file"))
        : Secrets::keyFilePath();
    const SecretKey key = Secrets::generate();
    Secrets::writeKeyFile(key, path);
    out(QStringLiteral("created secret key %1 in %2 (mode 0600)").arg(key.id, path));
    if (path != Secrets::keyFilePath())
        out(QStringLiteral("use it with BATON_SECRET_KEY_FILE=%1").arg(path));
    out(QStringLiteral("keep a copy somewhere safe: the secrets sealed with it cannot be read "
                       "without it"));
    return Ok;
}

int status(const GlobalOptions &options)
{
    auto ws = openWorkspace(options);
    const Secrets::Counts c = Secrets::counts(ws->store());
    const std::optional<SecretKey> key = Secrets::loadKey();
    out(QStringLiteral("key: %1").arg(key ? QStringLiteral("%1 (from %2)").arg(key->id, key->source)
                                          : QStringLiteral("none")));
    out(QStringLiteral("secrets: %1 encrypted, %2 stored in clear, %3 without a value")
            .arg(c.sealed)
            .arg(c.clear)
            .arg(c.unset));
    if (!c.keyIds.isEmpty())
        out(QStringLiteral("encrypted with key(s): %1").arg(c.keyIds.join(QStringLiteral(", "))));
    if (c.clear > 0)
        err(QStringLiteral("%1 secret(s) are stored in clear: run 'baton secrets encrypt'")
                .arg(c.clear));
    return Ok;
}

int encrypt(const GlobalOptions &options)
{
    auto ws = openWorkspace(options);
    const SecretKey key = Secrets::requireKey(QStringLiteral("encrypting secrets"));
    const int n = Secrets::encryptClear(ws->store(), key, currentUser());
    out(QStringLiteral("encrypted %1 secret(s) stored in clear with key %2").arg(n).arg(key.id));
    return Ok;
}

int rotateKey(QCommandLineParser &parser, const GlobalOptions &options)
{
    if (!parser.isSet(QStringLiteral("new-key-file")))
        throw UsageError(QStringLiteral("rotate-key needs --new-key-file F (make one with "
                                        "'baton secrets init-key --key-file F')"));
    const SecretKey newKey = Secrets::readKeyFile(parser.value(QStringLiteral("new-key-file")));
    auto ws = openWorkspace(options);
    const SecretKey oldKey = Secrets::requireKey(QStringLiteral("rotating the key"));
    const int n = Secrets::rotate(ws->store(), oldKey, newKey, currentUser());
    out(QStringLiteral("re-encrypted %1 secret(s) from key %2 to key %3")
            .arg(n)
            .arg(oldKey.id, newKey.id));
    if (oldKey.source != Secrets::keyFilePath()) {
        out(QStringLiteral("the key came from %1: give every engine the new key (%2) now")
                .arg(oldKey.source, newKey.source));
        return Ok;
    }
    // The key file engines read on this machine holds the new key from now on (atomically).
    QSaveFile file(oldKey.source);
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner)) {
        err(QStringLiteral("cannot replace %1 (%2): copy %3 there yourself")
                .arg(oldKey.source, file.errorString(), newKey.source));
        return Failure;
    }
    file.write(newKey.bytes.toBase64() + '\n');
    if (!file.commit()) {
        err(QStringLiteral("cannot replace %1 (%2): copy %3 there yourself")
                .arg(oldKey.source, file.errorString(), newKey.source));
        return Failure;
    }
    out(QStringLiteral("%1 now holds key %2; engines on other machines need it too")
            .arg(oldKey.source, newKey.id));
    return Ok;
}

} // namespace

void setupSecrets(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("ACTION"),
                            QStringLiteral("init-key, status, encrypt or rotate-key."));
    p.addOption({ QStringLiteral("key-file"),
                  QStringLiteral("init-key: where to create the key (default: "
                                 "$BATON_SECRET_KEY_FILE, else ~/.config/baton/secret.key)."),
                  QStringLiteral("F") });
    p.addOption({ QStringLiteral("new-key-file"),
                  QStringLiteral("rotate-key: the new key (made with init-key --key-file F)."),
                  QStringLiteral("F") });
}

int cmdSecrets(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    if (args.size() != 1)
        throw UsageError(kUsage);
    if (action == QLatin1String("init-key"))
        return initKey(parser);
    if (action == QLatin1String("status"))
        return status(options);
    if (action == QLatin1String("encrypt"))
        return encrypt(options);
    if (action == QLatin1String("rotate-key"))
        return rotateKey(parser, options);
    throw UsageError(QStringLiteral("unknown action '%1'; %2").arg(action, kUsage));
}

} // namespace Baton::Cli
