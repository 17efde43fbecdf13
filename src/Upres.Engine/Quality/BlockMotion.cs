namespace Upres.Engine.Quality;

/// Motion between two frames as one whole-pixel displacement per 16x16 block of the later frame,
/// found coarse to fine (a quarter, a half, then full resolution) by the least sum of absolute
/// differences. Crude next to optical flow, but the same field is applied to every method and to
/// the ground truth, so what differs between their figures is the methods' own flicker.
public sealed class BlockMotion
{
    public const int BlockSize = 16;
    private const int Levels = 3;
    private const int Search = 3;

    private BlockMotion(int width, int height, int[] dx, int[] dy)
    {
        Width = width;
        Height = height;
        Dx = dx;
        Dy = dy;
    }

    public int Width { get; }
    public int Height { get; }
    private int[] Dx { get; }
    private int[] Dy { get; }

    private int BlocksAcross => (Width + BlockSize - 1) / BlockSize;

    /// The displacement d with previous(p + d) best matching next(p), per block of next.
    public static BlockMotion Estimate(LumaPlane previous, LumaPlane next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (previous.Width != next.Width || previous.Height != next.Height)
        {
            throw new ArgumentException("frames differ in size");
        }

        var prevPyramid = Pyramid(previous);
        var nextPyramid = Pyramid(next);
        var across = (next.Width + BlockSize - 1) / BlockSize;
        var down = (next.Height + BlockSize - 1) / BlockSize;
        var dx = new int[across * down];
        var dy = new int[across * down];
        Parallel.For(0, down, by =>
        {
            for (var bx = 0; bx < across; bx++)
            {
                int mx = 0, my = 0;
                for (var level = Levels - 1; level >= 0; level--)
                {
                    mx *= 2;
                    my *= 2;
                    var p = prevPyramid[level];
                    var n = nextPyramid[level];
                    var size = BlockSize >> level;
                    int x0 = (bx * BlockSize) >> level, y0 = (by * BlockSize) >> level;
                    int x1 = Math.Min(x0 + size, n.Width), y1 = Math.Min(y0 + size, n.Height);
                    var best = double.MaxValue;
                    int bestX = mx, bestY = my;
                    // Around the coarser level's guess, and around no motion in case fine texture misled it.
                    foreach (var (cx, cy) in (ReadOnlySpan<(int, int)>)[(mx, my), (0, 0)])
                    {
                        for (var sy = cy - Search; sy <= cy + Search; sy++)
                        {
                            for (var sx = cx - Search; sx <= cx + Search; sx++)
                            {
                                var sad = Sad(p, n, x0, y0, x1, y1, sx, sy, best);
                                // Ties go to the smaller displacement, so flat areas stay still.
                                if (sad < best || (sad == best && (Math.Abs(sx) + Math.Abs(sy)) < (Math.Abs(bestX) + Math.Abs(bestY))))
                                {
                                    best = sad;
                                    bestX = sx;
                                    bestY = sy;
                                }
                            }
                        }
                    }

                    mx = bestX;
                    my = bestY;
                }

                dx[(by * across) + bx] = mx;
                dy[(by * across) + bx] = my;
            }
        });
        return new BlockMotion(next.Width, next.Height, dx, dy);
    }

    /// next minus previous moved along this motion, per pixel of the frame less `border` pixels
    /// at each edge: what a viewer sees change once the motion is accounted for.
    public double[] Residual(LumaPlane previous, LumaPlane next, int border)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (previous.Width != Width || previous.Height != Height || next.Width != Width || next.Height != Height)
        {
            throw new ArgumentException($"frames are not {Width}x{Height} like the motion field");
        }

        var residual = new double[(Width - (2 * border)) * (Height - (2 * border))];
        var k = 0;
        for (var y = border; y < Height - border; y++)
        {
            for (var x = border; x < Width - border; x++)
            {
                var block = ((y / BlockSize) * BlocksAcross) + (x / BlockSize);
                var px = Math.Clamp(x + Dx[block], 0, Width - 1);
                var py = Math.Clamp(y + Dy[block], 0, Height - 1);
                residual[k++] = next.Pixels[(y * Width) + x] - previous.Pixels[(py * Width) + px];
            }
        }

        return residual;
    }

    private static double Sad(LumaPlane p, LumaPlane n, int x0, int y0, int x1, int y1, int sx, int sy, double stopAbove)
    {
        double sad = 0;
        for (var y = y0; y < y1; y++)
        {
            var py = Math.Clamp(y + sy, 0, p.Height - 1);
            for (var x = x0; x < x1; x++)
            {
                var px = Math.Clamp(x + sx, 0, p.Width - 1);
                sad += Math.Abs(n.Pixels[(y * n.Width) + x] - p.Pixels[(py * p.Width) + px]);
            }

            if (sad > stopAbove)
            {
                return sad;
            }
        }

        return sad;
    }

    private static LumaPlane[] Pyramid(LumaPlane full)
    {
        var levels = new LumaPlane[Levels];
        levels[0] = full;
        for (var l = 1; l < Levels; l++)
        {
            var s = levels[l - 1];
            int w = Math.Max(1, s.Width / 2), h = Math.Max(1, s.Height / 2);
            var pixels = new double[w * h];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    int x2 = Math.Min((2 * x) + 1, s.Width - 1), y2 = Math.Min((2 * y) + 1, s.Height - 1);
                    pixels[(y * w) + x] = (s.Pixels[(2 * y * s.Width) + (2 * x)] + s.Pixels[(2 * y * s.Width) + x2]
                        + s.Pixels[(y2 * s.Width) + (2 * x)] + s.Pixels[(y2 * s.Width) + x2]) / 4;
                }
            }

            levels[l] = new LumaPlane(w, h, pixels);
        }

        return levels;
    }
}
