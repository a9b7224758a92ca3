#include "executors/directoryprefetcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <memory>

using namespace Baton;

class TestDirectoryPrefetcher : public QObject
{
    Q_OBJECT
private:
    static QByteArray path(const QTemporaryDir &tmp, const QString &name)
    {
        return QFile::encodeName(tmp.filePath(name));
    }

private Q_SLOTS:
    void makesWhatItIsAskedFor()
    {
        QTemporaryDir tmp;
        DirectoryPrefetcher dirs;
        for (int i = 0; i < 50; ++i)
            dirs.make(path(tmp, QStringLiteral("t%1.1").arg(i)));
        dirs.waitIdle();
        QCOMPARE(dirs.made(), int64_t(50));
        for (int i = 0; i < 50; ++i)
            QVERIFY(QFileInfo(tmp.filePath(QStringLiteral("t%1.1").arg(i))).isDir());
    }

    void neverCreatesParentsNorTouchesWhatExists()
    {
        QTemporaryDir tmp;
        QVERIFY(QDir(tmp.path()).mkdir(QStringLiteral("kept")));
        QFile inside(tmp.filePath(QStringLiteral("kept/data")));
        QVERIFY(inside.open(QIODevice::WriteOnly));
        inside.write("x");
        inside.close();
        QFile file(tmp.filePath(QStringLiteral("plain")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();

        DirectoryPrefetcher dirs;
        // A run directory removed by hand: not recreated behind the attempt's back.
        dirs.make(path(tmp, QStringLiteral("gone/t.1")));
        dirs.make(path(tmp, QStringLiteral("kept")));
        dirs.make(path(tmp, QStringLiteral("plain")));
        dirs.waitIdle();
        QCOMPARE(dirs.made(), int64_t(0));
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("gone"))));
        QVERIFY(QFileInfo(tmp.filePath(QStringLiteral("plain"))).isFile());
        QCOMPARE(QDir(tmp.filePath(QStringLiteral("kept")))
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList { QStringLiteral("data") });
    }

    void removeTakesBackEmptyDirectoriesOnly()
    {
        QTemporaryDir tmp;
        DirectoryPrefetcher dirs;
        dirs.make(path(tmp, QStringLiteral("unused.1")));
        dirs.make(path(tmp, QStringLiteral("used.1")));
        dirs.waitIdle();
        QFile f(tmp.filePath(QStringLiteral("used.1/output")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        dirs.remove(path(tmp, QStringLiteral("unused.1")));
        dirs.remove(path(tmp, QStringLiteral("used.1")));
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("unused.1"))));
        QVERIFY(QFileInfo::exists(tmp.filePath(QStringLiteral("used.1/output"))));
        // Removing what was never asked for, or is gone already, is harmless.
        dirs.remove(path(tmp, QStringLiteral("unused.1")));
        dirs.remove(path(tmp, QStringLiteral("never")));
        QVERIFY(QFileInfo(tmp.filePath(QStringLiteral("used.1"))).isDir());
    }

    // Whether a removal catches the request still queued, under way or done, the directory is
    // gone once remove() returns, and stays gone.
    void removedDirectoriesStayRemovedWhateverTheTiming()
    {
        QTemporaryDir tmp;
        DirectoryPrefetcher dirs;
        QSet<int> removed;
        auto *rng = QRandomGenerator::global();
        for (int i = 0; i < 2000; ++i) {
            dirs.make(path(tmp, QStringLiteral("d%1").arg(i)));
            if (i >= 10 && rng->bounded(4) == 0) {
                const int victim = i - int(rng->bounded(10));
                if (!removed.contains(victim)) {
                    dirs.remove(path(tmp, QStringLiteral("d%1").arg(victim)));
                    removed.insert(victim);
                    QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("d%1").arg(victim))));
                }
            }
        }
        dirs.waitIdle();
        QVERIFY(removed.size() > 100);
        for (int i = 0; i < 2000; ++i) {
            const bool exists = QFileInfo::exists(tmp.filePath(QStringLiteral("d%1").arg(i)));
            QVERIFY2(exists != removed.contains(i), qPrintable(QString::number(i)));
        }
    }

    void destructionDropsTheQueueAndStops()
    {
        QTemporaryDir tmp;
        auto dirs = std::make_unique<DirectoryPrefetcher>();
        for (int i = 0; i < 20000; ++i)
            dirs->make(path(tmp, QStringLiteral("d%1").arg(i)));
        dirs.reset(); // joins: must not wait for 20,000 mkdirs
        const int after = int(QDir(tmp.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
        QVERIFY(after < 20000);
        QThread::msleep(50);
        QCOMPARE(int(QDir(tmp.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size()), after);
    }
};

QTEST_GUILESS_MAIN(TestDirectoryPrefetcher)
#include "tst_directoryprefetcher.moc"
