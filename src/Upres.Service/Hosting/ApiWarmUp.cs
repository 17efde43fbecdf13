using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upres.Engine.Pipeline;
using Upres.Service.Accounts;
using Upres.Service.Jobs;

namespace Upres.Service.Hosting;

/// Runs the hot read path (GET /v1/jobs/{id}) in process before Kestrel listens: user hosted services
/// start before the server, so the first clients after a start meet prepared statements, Dapper's
/// emitted row parser, the job's JSON serializers and methods already compiled (and called often
/// enough that tiered compilation queues their optimized versions) instead of paying for all of it
/// in their own requests. It reads the newest job, or only prepares the statement on an empty
/// database. A failure here is logged and the server starts anyway.
public sealed partial class ApiWarmUp(IJobStore jobs, JobService service, IAccountStore accounts, IOptions<JsonOptions> json, ILogger<ApiWarmUp> log) : IHostedService
{
    // Past tiered compilation's call-count threshold (30) for every method on the path.
    private const int Rounds = 40;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var id = await jobs.NewestIdAsync(cancellationToken) ?? "job_warm_up";
            for (var i = 0; i < Rounds; i++)
            {
                var job = await jobs.GetAsync(id, cancellationToken) ?? Sample;
                await JsonSerializer.SerializeAsync(Stream.Null, JobView.From(job, service.ResultLinkFor(job)), json.Value.SerializerOptions, cancellationToken);
                // A key no one holds: prepares the key lookup and leaves nothing in the key cache.
                await accounts.AuthenticateHashAsync(ApiKeyHash.Of("upr_warm_up_" + i), cancellationToken);
            }

            LogWarmedUp(started.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "warmed up the job read path in {Milliseconds} ms")]
    private partial void LogWarmedUp(long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "warm-up of the job read path failed; the server starts cold")]
    private partial void LogFailed(Exception exception);

    private static readonly JobRecord Sample = new()
    {
        Id = "job_warm_up",
        AccountId = "acct_warm_up",
        Dialect = "native",
        Status = JobStatus.Completed,
        Spec = new JobSpec(),
        Input = new JobInput("upl_warm_up", null),
        Plan = new PlannedOutput(640, 480, 25, TimeSpan.FromSeconds(2), 50, 320, 240, 25),
        Price = 1,
        EstimateSeconds = 1,
        InputKey = "uploads/upl_warm_up",
        MetadataJson = """{"warm":true}""",
    };
}
