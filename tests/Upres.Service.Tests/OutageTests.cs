using Microsoft.Data.Sqlite;
using Upres.Service.Hosting;

namespace Upres.Service.Tests;

public class OutageTests
{
    [Fact]
    public void A_lasting_outage_is_said_at_its_start_then_once_a_minute_and_its_end_once()
    {
        var clock = new ManualClock();
        var outage = new Outage(clock);

        Assert.Null(outage.Succeeded());
        Assert.True(outage.Failed());
        for (var second = 1; second < 60; second++)
        {
            clock.Now += TimeSpan.FromSeconds(1);
            Assert.False(outage.Failed());
        }

        clock.Now += TimeSpan.FromSeconds(1);
        Assert.True(outage.Failed());
        clock.Now += TimeSpan.FromSeconds(5);
        Assert.Equal(TimeSpan.FromSeconds(65), outage.Succeeded());
        Assert.Null(outage.Succeeded());
        Assert.True(outage.Failed());
    }

    [Fact]
    public void A_full_database_or_disk_is_an_outage_and_a_bug_is_not()
    {
        Assert.True(Outage.Is(new SqliteException("database or disk is full", 13)));
        Assert.True(Outage.Is(new IOException("No space left on device", unchecked((int)0x8007001C))));
        Assert.True(Outage.Is(new TimeoutException()));
        Assert.False(Outage.Is(new InvalidOperationException("a bug")));
        Assert.False(Outage.Is(new SqliteException("no such table: jobs", 1)));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
