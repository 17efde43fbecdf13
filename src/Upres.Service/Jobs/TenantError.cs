using Upres.Engine.Pipeline;
using Upres.Service.Data;

namespace Upres.Service.Jobs;

/// What a tenant is told when a job fails: the stable code and one sentence, never a server path,
/// ffmpeg's stderr or a command line. The detail goes to the server's log under a reference that the
/// sentence ends with, so an operator can find it from what the tenant reports.
public sealed record TenantError(string Code, string Message, string Reference)
{
    public static TenantError For(string code)
    {
        var reference = Ids.New("err");
        return new TenantError(code, $"{Sentence(code)} (reference {reference})", reference);
    }

    public static string Sentence(string code) => code switch
    {
        "cancelled" => "The job was cancelled.",
        "attempts_exhausted" => "The job was interrupted too many times and has been given up.",
        UpscaleErrorCodes.InputNotFound => "The input file is no longer available.",
        UpscaleErrorCodes.UnreadableInput or UpscaleErrorCodes.ProbeFailed or UpscaleErrorCodes.ProbeTimeout => "The input could not be read as a video.",
        UpscaleErrorCodes.NoVideoStream => "The input has no video stream.",
        UpscaleErrorCodes.UnsupportedInputFormat => "The input is not a video container Upres reads (a playlist or script is refused).",
        UpscaleErrorCodes.NoFrames => "The input's video stream has no frame that could be decoded.",
        UpscaleErrorCodes.DecodeFailed => "The input could not be decoded.",
        UpscaleErrorCodes.UpscalerFailed => "The model failed on a frame of this input.",
        UpscaleErrorCodes.EncodeFailed => "The output could not be encoded.",
        UpscaleErrorCodes.MuxFailed => "The output file could not be written.",
        UpscaleErrorCodes.PlanMismatch => "The run would not have made the output the job was priced for, so it was stopped uncharged.",
        UpscaleErrorCodes.StorageFull => "The server ran out of storage space while writing the output; nothing was charged.",
        UpscaleErrorCodes.FramesExceedDeclared => "The input holds materially more frames than its header declares; it was refused rather than processed past its price.",
        _ when UpscaleErrorCodes.KindOf(code) == UpscaleErrorKind.BadOptions => "The requested output is not possible for this input.",
        _ when UpscaleErrorCodes.KindOf(code) == UpscaleErrorKind.MissingDependency => "The server is missing a component it needs; its operator can see why.",
        _ => "Processing failed on the server.",
    };
}
