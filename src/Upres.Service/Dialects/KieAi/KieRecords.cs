using System.Text.Json;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.KieAi;

/// A job as kie.ai's unified task record, for recordInfo and for the callback.
public static class KieRecords
{
    public static KieRecordInfo From(JobRecord job, string? resultUrl)
    {
        var data = job.DialectData is not null && job.Dialect == KieDialect.Name
            ? JsonSerializer.Deserialize<KieJobData>(job.DialectData, DialectJson.Options)
            : null;
        var finished = job.FinishedAt;
        return new KieRecordInfo
        {
            TaskId = KieDialect.TaskId(job.Id),
            Model = data?.Model ?? KieDialect.Model,
            State = KieDialect.State(job.Status),
            Param = data?.Param ?? "",
            ResultJson = job.Status == JobStatus.Completed && resultUrl is not null ? KieDialect.ResultJson(resultUrl) : "",
            FailCode = job.Status switch
            {
                JobStatus.Failed => job.ErrorCode ?? "501",
                JobStatus.Cancelled => "cancelled",
                _ => "",
            },
            FailMsg = job.Status switch
            {
                JobStatus.Failed => job.ErrorMessage ?? "generation failed",
                JobStatus.Cancelled => "the task was cancelled",
                _ => "",
            },
            CostTime = finished is not null && job.StartedAt is { } started ? (long)(finished.Value - started).TotalMilliseconds : null,
            CompleteTime = finished?.ToUnixTimeMilliseconds(),
            CreateTime = job.CreatedAt.ToUnixTimeMilliseconds(),
            UpdateTime = job.UpdatedAt.ToUnixTimeMilliseconds(),
            Progress = job.Status == JobStatus.Completed ? 100 : (int)Math.Floor(job.Progress * 100),
        };
    }
}
