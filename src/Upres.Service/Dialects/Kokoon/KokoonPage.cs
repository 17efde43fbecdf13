using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// The paging and filters both list calls echo back. Absent filters are left out; page_size and
/// page_num are strings, as on kokoon's pages.
public abstract record KokoonPage
{
    [JsonPropertyName("all_count")] public required int AllCount { get; init; }
    [JsonPropertyName("curr_count")] public required int CurrCount { get; init; }

    [JsonPropertyName("page_size")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PageSize { get; init; }

    [JsonPropertyName("page_num")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PageNum { get; init; }

    [JsonPropertyName("start_date")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StartDate { get; init; }

    [JsonPropertyName("end_date")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EndDate { get; init; }
}

/// GET /kokoon/api/sr/v3/task
public sealed record KokoonTaskList : KokoonPage
{
    [JsonPropertyName("step")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Step { get; init; }

    [JsonPropertyName("task_type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TaskType { get; init; }

    [JsonPropertyName("sr_tasks")] public required IReadOnlyList<KokoonTaskSummary> SrTasks { get; init; }
}

/// GET /kokoon/api/sr/v3/video
public sealed record KokoonVideoList : KokoonPage
{
    [JsonPropertyName("orig_type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrigType { get; init; }

    [JsonPropertyName("filename")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Filename { get; init; }

    [JsonPropertyName("order_field")] public required string OrderField { get; init; }
    [JsonPropertyName("order")] public required string Order { get; init; }
    [JsonPropertyName("videos")] public required IReadOnlyList<KokoonVideo> Videos { get; init; }
}
