using System.Data.Common;
using Microsoft.Extensions.Logging;
using Upres.Service.Data;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;

namespace Upres.Service.Work;

/// A claimed unit's lease: the heartbeat that renews it, the token that fences every write, and the
/// one way to end it (CommitAsync or ReleaseAsync, each stopping the heartbeat first). Token is
/// cancelled when the lease is lost, the job is cancelled, or the worker is stopping, so the
/// engine stops with it. A lost lease can never be committed: the holder's last write is fenced
/// by the store, and CommitAsync does not even try once a heartbeat saw the loss.
public sealed partial class WorkLease : IProgress<UpscaleProgress>, IFrameCheckpoints, IAsyncDisposable
{
    private readonly IClaimedWork _unit;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenSource _work;
    private readonly CancellationTokenSource _heartbeatStop = new();
    private readonly IDisposable _running;
    private readonly Task _heartbeat;
    private UpscaleProgress? _latest;
    private int _ended;
    private long _framesPerPlace = 1;
    private long _place = WorkPlaces.Outside;

    private WorkLease(IClaimedWork unit, TimeSpan duration, RunningJobs running, TimeProvider clock, ILogger logger, CancellationToken stopping)
    {
        _unit = unit;
        _duration = duration;
        _clock = clock;
        _logger = logger;
        _stopping = stopping;
        _work = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running = running.Add(unit.Claim.JobId, _work);
        _heartbeat = Task.Run(HeartbeatAsync, CancellationToken.None);
    }

    public WorkClaim Claim => _unit.Claim;

    /// Cancelled when the work must stop: lease lost, cancel requested, or the worker stopping.
    public CancellationToken Token => _work.Token;

    public bool Lost { get; private set; }

    public bool CancelRequested { get; private set; }

    /// The worker is shutting down: whatever stopped was not the unit's fault.
    public bool Stopping => _stopping.IsCancellationRequested;

    public UpscaleProgress? Latest => Volatile.Read(ref _latest);

    /// How often the heartbeat renews: three beats per lease, so one missed beat is survivable.
    public static TimeSpan HeartbeatInterval(TimeSpan lease) => TimeSpan.FromMilliseconds(Math.Clamp(lease.TotalMilliseconds / 3, 200, 1000));

    public static WorkLease Start(IClaimedWork unit, TimeSpan duration, RunningJobs running, TimeProvider clock, ILogger logger, CancellationToken stopping)
        => new(unit, duration, running, clock, logger, stopping);

    public void Report(UpscaleProgress value) => Volatile.Write(ref _latest, value);

    /// The unit's work is this many frames: its places (WorkPlaces) are cut from them, the same way
    /// in every attempt.
    public void CountPlacesIn(long frames) => _framesPerPlace = WorkPlaces.FramesPerPlace(frames);

    /// The engine is about to upscale this frame: entering a new place is recorded (fenced) before
    /// the frame's work begins, so a worker that dies on it is known to have died there.
    public ValueTask BeforeFrameAsync(long index, CancellationToken cancellationToken)
    {
        var place = WorkPlaces.Of(index, _framesPerPlace);
        return place == _place ? ValueTask.CompletedTask : new ValueTask(MarkPlaceAsync(place, place));
    }

    /// Every frame is upscaled: the attempt got past its last place and is outside the unit's work.
    public ValueTask AfterLastFrameAsync(CancellationToken cancellationToken) => new(MarkPlaceAsync(WorkPlaces.Outside, _place + 1));

    private async Task MarkPlaceAsync(long place, long reached)
    {
        if (!await WithRetriesAsync(ct => _unit.MarkPlaceAsync(place, reached, ct)))
        {
            Lost = true;
            LogLost(Claim.Kind, Claim.UnitId);
            await _work.CancelAsync();
            _work.Token.ThrowIfCancellationRequested();
        }

        _place = place;
    }

    /// Stops the heartbeat, then runs the fenced write (which must check the token in its own
    /// transaction). Returns false when the lease was lost and nothing was written. A database that
    /// is down is waited for (with backoff) up to one lease length: by then another worker may own
    /// the unit and the fence refuses the write anyway.
    public async Task<bool> CommitAsync(Func<string, CancellationToken, Task<bool>> fencedWrite)
    {
        await StopHeartbeatAsync();
        if (Lost || Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return false;
        }

        return await WithRetriesAsync(ct => fencedWrite(Claim.Token, ct));
    }

    /// A fenced write that does not end the lease (a stage's checkpoint, such as a prepared job),
    /// retried like CommitAsync while the database is away.
    public Task<T> WriteAsync<T>(Func<string, CancellationToken, Task<T>> fencedWrite) => WithRetriesAsync(ct => fencedWrite(Claim.Token, ct));

    /// Gives the unit back to the queue (fenced); countStrike false when the worker is stopping.
    public async Task<bool> ReleaseAsync(bool countStrike)
    {
        await StopHeartbeatAsync();
        if (Lost || Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return false;
        }

        return await WithRetriesAsync(ct => _unit.ReleaseAsync(countStrike, ct));
    }

    public async ValueTask DisposeAsync()
    {
        await StopHeartbeatAsync();
        _running.Dispose();
        _work.Dispose();
        _heartbeatStop.Dispose();
    }

    private async Task StopHeartbeatAsync()
    {
        if (!_heartbeatStop.IsCancellationRequested)
        {
            await _heartbeatStop.CancelAsync();
        }

        await _heartbeat;
    }

    private async Task<T> WithRetriesAsync<T>(Func<CancellationToken, Task<T>> write)
    {
        var deadline = _clock.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await write(CancellationToken.None);
            }
            catch (Exception e) when (IsTransient(e) && _clock.GetElapsedTime(deadline) < _duration + _duration)
            {
                LogRetry(Claim.UnitId, e.Message);
                await Task.Delay(delay, _clock);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// A database that cannot be reached (restarting, a network blip) or whose disk is full, rather
    /// than a refused statement: the same write succeeds once it is back or space is freed.
    public static bool IsTransient(Exception e) => e switch
    {
        _ when DatabaseFull.Is(e) => true,
        Npgsql.NpgsqlException { IsTransient: true } => true,
        Npgsql.PostgresException p => p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        Npgsql.NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } => true,
        DbException { InnerException: { } inner } => IsTransient(inner),
        TimeoutException => true,
        _ => false,
    };

    private async Task HeartbeatAsync()
    {
        var interval = HeartbeatInterval(_duration);
        var stop = _heartbeatStop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var state = await _unit.RenewAsync(_duration, Latest, CancellationToken.None);
                if (state == LeaseState.Lost)
                {
                    Lost = true;
                    LogLost(Claim.Kind, Claim.UnitId);
                    await _work.CancelAsync();
                    return;
                }

                if (state == LeaseState.CancelRequested && !CancelRequested)
                {
                    CancelRequested = true;
                    await _work.CancelAsync();
                }
            }
            catch (Exception e)
            {
                // A missed beat is survivable (a lease is three beats long); keep beating, and if the
                // database stays away past the lease, the fenced commit finds out.
                LogBeatFailed(Claim.UnitId, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {UnitId}: lease lost, stopping")]
    private partial void LogLost(string kind, string unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UnitId}: heartbeat failed: {Reason}")]
    private partial void LogBeatFailed(string unitId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UnitId}: database unreachable, retrying: {Reason}")]
    private partial void LogRetry(string unitId, string reason);
}
