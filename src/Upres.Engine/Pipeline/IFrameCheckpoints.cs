namespace Upres.Engine.Pipeline;

/// A progress sink that must know where a run was when its process died: a caller that persists
/// these places can tell a crash that repeats at the same frame (the input's fault) from one that
/// lands anywhere (a kill, a machine going away). When the progress passed to IVideoUpscaler is
/// also an IFrameCheckpoints, the engine awaits BeforeFrameAsync before it upscales each frame (in
/// upscale order, from 0; the model is loaded by then) and AfterLastFrameAsync once the last frame
/// is upscaled: what follows (the encoder's end, frame times, the mux) runs in child processes.
/// Both are awaited, so what they persist is in place before the work at that frame begins; a sink
/// that writes only now and then returns a completed ValueTask for the other frames.
public interface IFrameCheckpoints
{
    ValueTask BeforeFrameAsync(long index, CancellationToken cancellationToken);

    ValueTask AfterLastFrameAsync(CancellationToken cancellationToken);
}
