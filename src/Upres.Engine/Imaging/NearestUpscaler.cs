namespace Upres.Engine.Imaging;

/// Pixel replication: the cheapest real upscaler, for tests and for "no model" runs.
public sealed class NearestUpscaler : IFrameUpscaler
{
    public NearestUpscaler(int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        Scale = scale;
    }

    public string Name => "nearest";

    public int Scale { get; }

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
    {
        var output = new PlanarImage(input.Width * Scale, input.Height * Scale);
        for (var c = 0; c < 3; c++)
        {
            var source = input.Plane(c);
            var target = output.Plane(c);
            for (var y = 0; y < output.Height; y++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sourceRow = source.Slice(y / Scale * input.Width, input.Width);
                var targetRow = target.Slice(y * output.Width, output.Width);
                for (var x = 0; x < targetRow.Length; x++)
                {
                    targetRow[x] = sourceRow[x / Scale];
                }
            }
        }

        return output;
    }

    public void Dispose()
    {
    }
}
