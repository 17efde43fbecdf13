using System.Threading.Channels;
using Upres.Engine.Imaging;

namespace Upres.Engine.Interpolation;

/// The pipeline stage between decode and upscale that turns the source's frames into the target
/// rate's: an output frame that falls on a source frame is that frame; one between two frames is
/// interpolated there, unless a scene cut lies between them, where the nearer frame is repeated.
/// The last source frame is held to the end so the duration stays n / source seconds.
public sealed class InterpolationStage(IFrameInterpolator interpolator, FrameRateConverter converter)
{
    private readonly SceneCutDetector _cuts = new();

    public FrameRateConverter Converter { get; } = converter;

    public long SourceFrames { get; private set; }
    public long OutputFrames { get; private set; }

    /// Frames made by the model (the rest are source frames, shown at their own time or repeated).
    public long Interpolated { get; private set; }

    /// Cuts between two source frames that an output frame fell between (so it repeated one side).
    public long SceneCuts { get; private set; }

    public async Task RunAsync(ChannelReader<PlanarImage> reader, ChannelWriter<PlanarImage> writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        PlanarImage? previous = null;
        long i = -1;
        long j = 0;
        await foreach (var frame in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            i++;
            var cut = _cuts.IsCut(frame);
            if (previous is not null)
            {
                var repeatedAtCut = false;
                // Never more frames than the source so far can make: in a steep down-conversion
                // the next frame might be the last.
                var allowed = Converter.OutputFrames(i + 1);
                while (j < allowed)
                {
                    var (index, t) = Converter.Position(j);
                    if (index >= i)
                    {
                        break;
                    }

                    PlanarImage output;
                    if (index < i - 1 || t == 0)
                    {
                        output = previous;
                    }
                    else if (cut)
                    {
                        output = t <= 0.5 ? previous : frame;
                        repeatedAtCut = true;
                    }
                    else
                    {
                        output = interpolator.Interpolate(previous, frame, t, cancellationToken);
                        Interpolated++;
                    }

                    await writer.WriteAsync(output, cancellationToken).ConfigureAwait(false);
                    j++;
                }

                SceneCuts += repeatedAtCut ? 1 : 0;
            }

            previous = frame;
        }

        SourceFrames = i + 1;
        if (previous is not null)
        {
            for (var total = Converter.OutputFrames(SourceFrames); j < total; j++)
            {
                await writer.WriteAsync(previous, cancellationToken).ConfigureAwait(false);
            }
        }

        OutputFrames = j;
    }
}
