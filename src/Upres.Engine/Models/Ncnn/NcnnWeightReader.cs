using System.Buffers.Binary;

namespace Upres.Engine.Models.Ncnn;

/// Reads a `.bin` the way ncnn's ModelBinFromDataReader does: each layer pulls its blobs in a fixed
/// order, so the reader is sequential and the caller must ask for exactly what the layer loads.
public sealed class NcnnWeightReader
{
    private const uint Float16Tag = 0x01306B47;
    private const uint Int8Tag = 0x000D4B38;
    private const uint RawWithScaleTag = 0x0002C056;

    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    public NcnnWeightReader(ReadOnlyMemory<byte> data)
    {
        _data = data;
    }

    public int Position => _position;

    public int Remaining => _data.Length - _position;

    /// A blob ncnn loads with type 0: a 4-byte tag says how the values are stored.
    public float[] ReadTagged(int count)
    {
        var tagBytes = Take(4);
        var tag = BinaryPrimitives.ReadUInt32LittleEndian(tagBytes);
        if (tag == Float16Tag)
        {
            var bytes = Take(AlignTo4(count * 2));
            var result = new float[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2));
            }

            return result;
        }

        if (tag == Int8Tag)
        {
            throw new NcnnFormatException("int8-quantised weights are not supported (they need the layer's scale tables)");
        }

        if (tag == RawWithScaleTag)
        {
            return ReadRaw(count);
        }

        // The tag's bytes summed non-zero means a 256-entry float table followed by byte indices.
        var flag = tagBytes[0] + tagBytes[1] + tagBytes[2] + tagBytes[3];
        if (flag != 0)
        {
            var table = ReadRaw(256);
            var indices = Take(AlignTo4(count));
            var result = new float[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = table[indices[i]];
            }

            return result;
        }

        return ReadRaw(count);
    }

    /// A blob ncnn loads with type 1: plain little-endian float32 (biases, PReLU slopes).
    public float[] ReadRaw(int count)
    {
        var bytes = Take(count * 4);
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
        }

        return result;
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > Remaining)
        {
            throw new NcnnFormatException($"weight file ends at byte {_data.Length}; {length} more bytes needed at {_position}");
        }

        var span = _data.Span.Slice(_position, length);
        _position += length;
        return span;
    }

    private static int AlignTo4(int n) => (n + 3) & ~3;
}
