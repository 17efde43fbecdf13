using System.Buffers.Binary;
using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Tests.Models;

public class NcnnWeightReaderTests
{
    [Fact]
    public void A_float16_blob_is_padded_to_four_bytes_before_the_next_blob()
    {
        var bytes = new List<byte>();
        bytes.AddRange(LittleEndian(0x01306B47u));
        foreach (var v in new[] { 1f, -2f, 0.5f })
        {
            var half = new byte[2];
            BinaryPrimitives.WriteHalfLittleEndian(half, (Half)v);
            bytes.AddRange(half);
        }

        bytes.AddRange(new byte[2]);
        bytes.AddRange(FloatBytes(3.25f));

        var reader = new NcnnWeightReader(bytes.ToArray());

        Assert.Equal([1f, -2f, 0.5f], reader.ReadTagged(3));
        Assert.Equal([3.25f], reader.ReadRaw(1));
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void A_zero_tag_means_float32_follows()
    {
        var bytes = new List<byte>();
        bytes.AddRange(LittleEndian(0u));
        bytes.AddRange(FloatBytes(1.5f));
        bytes.AddRange(FloatBytes(-7f));

        var reader = new NcnnWeightReader(bytes.ToArray());

        Assert.Equal([1.5f, -7f], reader.ReadTagged(2));
    }

    [Fact]
    public void Reading_past_the_end_says_how_much_was_missing()
    {
        var reader = new NcnnWeightReader(new byte[6]);

        var error = Assert.Throws<NcnnFormatException>(() => reader.ReadRaw(2));
        Assert.Contains("8 more bytes", error.Message, StringComparison.Ordinal);
    }

    private static byte[] LittleEndian(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return b;
    }

    private static byte[] FloatBytes(float value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        return b;
    }
}
