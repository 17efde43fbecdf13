using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Work;

namespace Upres.Service.Segments;

/// How many segments a job is cut into: one per live worker slot (times UPRES_SEGMENTS_PER_WORKER),
/// none shorter than UPRES_SEGMENT_MIN_SECONDS, and no cut at all below UPRES_SPLIT_MIN_SECONDS or
/// with a single slot alive. With the defaults a 20-second clip and two idle workers make two halves.
public sealed class SegmentPlanner(IOptions<SegmentOptions> options, IOptions<UpresOptions> service, SqlWorkerStore workers, TimeProvider clock)
{
    public async Task<int> SegmentsForAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (job.Spec.Fps is not null)
        {
            // The engine interpolates on the whole source timeline (not_segmentable for a range).
            return 1;
        }

        var seconds = job.Planned.Duration.TotalSeconds;
        if (seconds < o.SplitMinSeconds || seconds <= 0)
        {
            return 1;
        }

        var now = clock.GetUtcNow();
        // The same rule as GET /v1/admin/workers: a worker beats every third of a lease; a lease without a beat is dead.
        var deadAfter = service.Value.Lease;
        var slots = (await workers.ListAsync(now - deadAfter, cancellationToken))
            .Where(w => w.StoppedAt is null && now - w.LastHeartbeatAt <= deadAfter)
            .Sum(w => w.Slots);
        var byLength = (long)Math.Floor(seconds / o.SegmentMinSeconds);
        var n = Math.Min(byLength, (long)slots * o.SegmentsPerWorker);
        return (int)Math.Clamp(n, 1, 10_000);
    }
}
