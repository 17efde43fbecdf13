namespace Upres.Engine.Imaging;

/// An RGB image as three float planes (R, G, B) in [0, 1], laid out as the models' NCHW input.
public sealed class PlanarImage
{
    public PlanarImage(int width, int height, float[]? data = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Data = data ?? new float[3 * width * height];
        if (Data.Length != 3 * width * height)
        {
            throw new ArgumentException($"expected {3 * width * height} floats, got {Data.Length}", nameof(data));
        }
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Data { get; }

    public Span<float> Plane(int channel) => Data.AsSpan(channel * Width * Height, Width * Height);
}
