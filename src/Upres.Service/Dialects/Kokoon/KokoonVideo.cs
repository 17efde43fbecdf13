using System.Text.Json.Serialization;

namespace Upres.Service.Dialects.Kokoon;

/// A video as kokoon's upload (POST /kokoon/api/sr/v3/video) and info (GET .../video/{vid}) calls
/// return it: an original (pid and tid all zeros, state always "completed") or an SR result (pid =
/// the original's vid, tid = the task). Numbers that kokoon sends as strings stay strings.
public sealed record KokoonVideo
{
    public const string NilId = "00000000-0000-0000-0000-000000000000";

    [JsonPropertyName("uid")] public required string Uid { get; init; }
    [JsonPropertyName("vid")] public required string Vid { get; init; }
    [JsonPropertyName("pid")] public string Pid { get; init; } = NilId;
    [JsonPropertyName("tid")] public string Tid { get; init; } = NilId;
    [JsonPropertyName("created_time")] public required string CreatedTime { get; init; }
    [JsonPropertyName("filename")] public required string Filename { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("codec_name")] public string? CodecName { get; init; }
    /// A rational, "30/1".
    [JsonPropertyName("fps")] public string? Fps { get; init; }
    /// Seconds with six decimals, "10.000000".
    [JsonPropertyName("duration")] public string? Duration { get; init; }
    [JsonPropertyName("nb_frames")] public string? NbFrames { get; init; }
    [JsonPropertyName("bitrate")] public string? Bitrate { get; init; }
    [JsonPropertyName("width")] public int Width { get; init; }
    [JsonPropertyName("height")] public int Height { get; init; }
    [JsonPropertyName("download_cnt")] public int DownloadCnt { get; init; }
    [JsonPropertyName("expired_time")] public string? ExpiredTime { get; init; }
    /// waiting / processing / completed / failed (Upres's words for an SR result's progress).
    [JsonPropertyName("state")] public required string State { get; init; }
    /// 0..100 while an SR result is being made; Upres's addition.
    [JsonPropertyName("progress")] public int Progress { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("thumb_url")] public string? ThumbUrl { get; init; }
    [JsonPropertyName("is_rotated")] public bool IsRotated { get; init; }
    [JsonPropertyName("is_interlaced")] public bool IsInterlaced { get; init; }
    [JsonPropertyName("last_category")] public string? LastCategory { get; init; }
    /// Why an SR result failed; absent otherwise.
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}
