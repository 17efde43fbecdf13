using Upres.Engine.Inference;

namespace Upres.Engine.Imaging;

/// Runs a fixed-scale ONNX upscaler over a frame in overlapping tiles and keeps only each tile's
/// core, so memory is the output frame plus one tile's buffers whatever the frame size. Buffers
/// are reused across tiles and frames; calls on one instance are serialised.
public sealed class TiledUpscaler : IFrameUpscaler
{
    private readonly OnnxSession _session;
    private readonly bool _ownsSession;
    private readonly Lock _gate = new();
    private float[] _tileInput = [];
    private float[] _tileOutput = [];

    public TiledUpscaler(OnnxSession session, int scale, string name, TileOptions? options = null, bool ownsSession = true)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= TileOptions.Default;
        options.Validate();
        _session = session;
        _ownsSession = ownsSession;
        Scale = scale;
        Name = name;
        Options = options;
    }

    /// A tiled upscaler over a model file; the name is the file's name without ".onnx".
    public static TiledUpscaler Open(string modelPath, int scale, InferenceOptions? inference = null, TileOptions? tiles = null)
    {
        var session = OnnxSession.Create(modelPath, inference);
        try
        {
            return new TiledUpscaler(session, scale, Path.GetFileNameWithoutExtension(modelPath), tiles, ownsSession: true);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public string Name { get; }

    public int Scale { get; }

    public TileOptions Options { get; }

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = new PlanarImage(checked(input.Width * Scale), checked(input.Height * Scale));
        Upscale(input, output, cancellationToken);
        return output;
    }

    /// Writes into a frame the caller keeps between frames (no per-frame allocation).
    public void Upscale(PlanarImage input, PlanarImage output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (output.Width != input.Width * Scale || output.Height != input.Height * Scale)
        {
            throw new ArgumentException($"output must be {input.Width * Scale}x{input.Height * Scale}, is {output.Width}x{output.Height}", nameof(output));
        }

        var padded = Options.Border != TileBorder.None;
        var columns = TileSpan.Split(input.Width, Options.TileSize, Options.Overlap, padded);
        var rows = TileSpan.Split(input.Height, Options.TileSize, Options.Overlap, padded);
        lock (_gate)
        {
            // Sized once for the largest window: edge windows cut at the frame are smaller, and
            // growing the buffers tile by tile would allocate them several times per frame.
            var largest = 3 * columns.Max(c => c.WindowLength) * rows.Max(r => r.WindowLength);
            EnsureCapacity(ref _tileInput, largest);
            EnsureCapacity(ref _tileOutput, largest * Scale * Scale);
            Span<long> inShape = stackalloc long[4];
            Span<long> outShape = stackalloc long[4];
            foreach (var row in rows)
            {
                foreach (var column in columns)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var inCount = 3 * row.WindowLength * column.WindowLength;
                    var outCount = inCount * Scale * Scale;
                    var tileIn = _tileInput.AsSpan(0, inCount);
                    var tileOut = _tileOutput.AsSpan(0, outCount);
                    CopyWindow(input, column, row, tileIn, Options.Border);
                    inShape[0] = 1;
                    inShape[1] = 3;
                    inShape[2] = row.WindowLength;
                    inShape[3] = column.WindowLength;
                    outShape[0] = 1;
                    outShape[1] = 3;
                    outShape[2] = row.WindowLength * Scale;
                    outShape[3] = column.WindowLength * Scale;
                    _session.Run(tileIn, inShape, tileOut, outShape, cancellationToken);
                    PasteCore(tileOut, column, row, output, Scale);
                }
            }
        }
    }

    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }

    private static void EnsureCapacity(ref float[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = GC.AllocateUninitializedArray<float>(count);
        }
    }

    private static void CopyWindow(PlanarImage input, TileSpan column, TileSpan row, Span<float> window, TileBorder border)
    {
        var width = input.Width;
        var height = input.Height;
        var w = column.WindowLength;
        var h = row.WindowLength;
        // The part of the window inside the frame, copied row by row; the rest is mapped per pixel.
        var insideStart = Math.Max(0, column.WindowStart);
        var insideEnd = Math.Min(width, column.WindowStart + w);
        for (var c = 0; c < 3; c++)
        {
            var plane = input.Plane(c);
            var target = window.Slice(c * w * h, w * h);
            for (var y = 0; y < h; y++)
            {
                var sourceY = MapCoordinate(row.WindowStart + y, height, border);
                var sourceRow = plane.Slice(sourceY * width, width);
                var targetRow = target.Slice(y * w, w);
                sourceRow[insideStart..insideEnd].CopyTo(targetRow[(insideStart - column.WindowStart)..]);
                for (var x = 0; x < insideStart - column.WindowStart; x++)
                {
                    targetRow[x] = sourceRow[MapCoordinate(column.WindowStart + x, width, border)];
                }

                for (var x = insideEnd - column.WindowStart; x < w; x++)
                {
                    targetRow[x] = sourceRow[MapCoordinate(column.WindowStart + x, width, border)];
                }
            }
        }
    }

    private static int MapCoordinate(int position, int length, TileBorder border)
    {
        if (position >= 0 && position < length)
        {
            return position;
        }

        if (border == TileBorder.Reflect && length > 1)
        {
            var period = 2 * (length - 1);
            var p = position % period;
            if (p < 0)
            {
                p += period;
            }

            return p < length ? p : period - p;
        }

        return Math.Clamp(position, 0, length - 1);
    }

    private static void PasteCore(ReadOnlySpan<float> tile, TileSpan column, TileSpan row, PlanarImage output, int scale)
    {
        var tileWidth = column.WindowLength * scale;
        var tileHeight = row.WindowLength * scale;
        var coreX = (column.CoreStart - column.WindowStart) * scale;
        var coreY = (row.CoreStart - row.WindowStart) * scale;
        var coreWidth = column.CoreLength * scale;
        var coreHeight = row.CoreLength * scale;
        for (var c = 0; c < 3; c++)
        {
            var source = tile.Slice(c * tileWidth * tileHeight, tileWidth * tileHeight);
            var target = output.Plane(c);
            for (var y = 0; y < coreHeight; y++)
            {
                source.Slice(((coreY + y) * tileWidth) + coreX, coreWidth)
                    .CopyTo(target.Slice(((row.CoreStart * scale) + y) * output.Width + (column.CoreStart * scale), coreWidth));
            }
        }
    }
}
