namespace Upres.Engine.Pipeline;

/// What kind of failure a code is, which is what the command line turns into an exit code.
public enum UpscaleErrorKind
{
    /// Something failed while running (ffmpeg, inference, the disk).
    Failed,

    /// The request itself is wrong: unknown model, impossible size, codec/container pair or scale.
    BadOptions,

    /// The input cannot be used: missing, unreadable, no video, over a limit.
    InputRefused,

    /// Something the engine needs is not installed: ffmpeg, the runtime, model files.
    MissingDependency,
}
