using Microsoft.Data.Sqlite;
using Npgsql;

namespace Upres.Service.Data;

/// Whether a failure is the database's file system being full: SQLite's SQLITE_FULL (13) or
/// PostgreSQL's disk_full (53100). Nothing was stored (the statement and its transaction rolled
/// back), reads keep working, and the same write succeeds once space is freed, so a request is
/// refused with storage_full and a worker's fenced write waits and retries (WorkLease).
public static class DatabaseFull
{
    private const int SqliteFull = 13;

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull } || e is PostgresException { SqlState: PostgresErrorCodes.DiskFull })
            {
                return true;
            }
        }

        return false;
    }
}
