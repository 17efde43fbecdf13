using Google.Protobuf;
using Upres.Engine.Models.Onnx;

namespace Upres.Engine.Tests.Onnx;

public class OnnxGraphBuilderTests
{
    [Fact]
    public void A_model_carries_ir_version_8_the_opset_and_the_producer()
    {
        var builder = new OnnxGraphBuilder("g");
        var x = builder.AddInput("x", 1, 3, -1, -1);
        builder.AddNode("Relu", [x], ["y"]);
        builder.AddOutput("y", 1, 3, -1, -1);

        var fields = ReadFields(builder.ToModelBytes(opsetVersion: 13, producer: "tests"));

        Assert.Equal(8L, (long)fields.Single(f => f.Number == 1).Varint);
        Assert.Equal("tests", fields.Single(f => f.Number == 2).Bytes!.ToStringUtf8());
        var opset = ReadFields(fields.Single(f => f.Number == 8).Bytes!.ToByteArray());
        Assert.Equal(13L, (long)opset.Single(f => f.Number == 2).Varint);
        var graph = ReadFields(fields.Single(f => f.Number == 7).Bytes!.ToByteArray());
        Assert.Single(graph, f => f.Number == 1);
        Assert.Single(graph, f => f.Number == 11);
        Assert.Single(graph, f => f.Number == 12);
    }

    [Fact]
    public void Float_initializers_are_written_as_little_endian_raw_data()
    {
        var builder = new OnnxGraphBuilder("g");
        builder.AddInitializer("w", [1f, -2.5f], 2);

        var graph = ReadFields(ReadFields(builder.ToModelBytes()).Single(f => f.Number == 7).Bytes!.ToByteArray());
        var tensor = ReadFields(graph.Single(f => f.Number == 5).Bytes!.ToByteArray());

        Assert.Equal(2L, (long)tensor.Single(f => f.Number == 1).Varint);
        Assert.Equal(1L, (long)tensor.Single(f => f.Number == 2).Varint);
        Assert.Equal("w", tensor.Single(f => f.Number == 8).Bytes!.ToStringUtf8());
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0 }, tensor.Single(f => f.Number == 9).Bytes!.ToByteArray());
    }

    [Fact]
    public void A_name_used_twice_is_refused()
    {
        var builder = new OnnxGraphBuilder("g");
        builder.AddInput("x", 1);
        Assert.Throws<ArgumentException>(() => builder.AddInitializer("x", [1f], 1));
    }

    [Fact]
    public void An_initializer_whose_shape_does_not_match_its_data_is_refused()
    {
        var builder = new OnnxGraphBuilder("g");
        Assert.Throws<ArgumentException>(() => builder.AddInitializerInt64("s", [1L, 2L, 3L], 2));
    }

    private sealed record Field(int Number, ulong Varint, ByteString? Bytes);

    private static List<Field> ReadFields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new List<Field>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    fields.Add(new Field(number, input.ReadUInt64(), null));
                    break;
                case WireFormat.WireType.LengthDelimited:
                    fields.Add(new Field(number, 0, input.ReadBytes()));
                    break;
                case WireFormat.WireType.Fixed32:
                    fields.Add(new Field(number, input.ReadFixed32(), null));
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type in field {number}");
            }
        }

        return fields;
    }
}
