using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Upres.Engine.Models.Onnx;

/// Builds an ONNX ModelProto without generated code: the few messages we need are written field by
/// field (numbers from onnx.proto). Tensors are float32 unless stated; weights go in raw_data.
/// Written with halfPrecision, "float" means float16 throughout: float weights, float inputs and
/// outputs and Cast(to=FLOAT) become float16, except the inputs ONNX requires in float32
/// (Resize's roi and scales). That is how a GPU gets fp16 weights and activations.
public sealed class OnnxGraphBuilder
{
    private const long IrVersion = 8;

    private readonly string _graphName;
    private readonly List<ValueInfo> _inputs = [];
    private readonly List<ValueInfo> _outputs = [];
    private readonly List<Initializer> _initializers = [];
    private readonly List<Node> _nodes = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        _graphName = graphName;
    }

    /// dims: a positive number is fixed, -1 is dynamic (a symbolic dim named "d{i}").
    public string AddInput(string name, params long[] dims) => AddInput(name, OnnxElementType.Float, dims);

    public string AddInput(string name, OnnxElementType type, params long[] dims)
    {
        Claim(name);
        _inputs.Add(new ValueInfo(name, CheckShape(dims, allowDynamic: true), SymbolPrefix: "d", type));
        return name;
    }

    /// Output symbols are prefixed with the output's name: sharing "d2" with the input would
    /// declare that an upscaler's output height equals its input height.
    public void AddOutput(string name, params long[] dims) => AddOutput(name, OnnxElementType.Float, dims);

    public void AddOutput(string name, OnnxElementType type, params long[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _outputs.Add(new ValueInfo(name, CheckShape(dims, allowDynamic: true), SymbolPrefix: name + "_d", type));
    }

    public string AddInitializer(string name, ReadOnlySpan<float> data, params long[] dims)
    {
        Claim(name);
        CheckCount(data.Length, CheckShape(dims, allowDynamic: false));
        var raw = new byte[data.Length * sizeof(float)];
        for (var i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), data[i]);
        }

        _initializers.Add(new Initializer(name, OnnxElementType.Float, dims, raw));
        return name;
    }

    public string AddInitializerInt64(string name, ReadOnlySpan<long> data, params long[] dims)
    {
        Claim(name);
        CheckCount(data.Length, CheckShape(dims, allowDynamic: false));
        var raw = new byte[data.Length * sizeof(long)];
        for (var i = 0; i < data.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), data[i]);
        }

        _initializers.Add(new Initializer(name, OnnxElementType.Int64, dims, raw));
        return name;
    }

    /// An empty string in inputs stands for an omitted optional input. Returns outputs[0].
    public string AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
        {
            throw new ArgumentException("a node needs at least one output", nameof(outputs));
        }

        foreach (var output in outputs)
        {
            Claim(output);
        }

        _nodes.Add(new Node($"{opType}_{_nodes.Count}", opType, [.. inputs], [.. outputs], [.. attributes]));
        return outputs[0];
    }

    public byte[] ToModelBytes(int opsetVersion = 17, string producer = "upres", bool halfPrecision = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(opsetVersion);
        var precision = halfPrecision ? new HalfPrecision(_nodes) : null;
        using var buffer = new MemoryStream();
        var model = new CodedOutputStream(buffer);
        WriteInt64(model, 1, IrVersion);
        WriteString(model, 2, producer);
        WriteMessage(model, 7, graph => WriteGraph(graph, precision));
        WriteMessage(model, 8, opset =>
        {
            WriteString(opset, 1, string.Empty);
            WriteInt64(opset, 2, opsetVersion);
        });
        model.Flush();
        return buffer.ToArray();
    }

    private void WriteGraph(CodedOutputStream graph, HalfPrecision? precision)
    {
        foreach (var node in _nodes)
        {
            WriteMessage(graph, 1, n => WriteNode(n, precision?.Apply(node) ?? node));
        }

        WriteString(graph, 2, _graphName);
        foreach (var initializer in _initializers)
        {
            WriteMessage(graph, 5, t => WriteTensor(t, precision?.Apply(initializer) ?? initializer));
        }

        foreach (var input in _inputs)
        {
            WriteMessage(graph, 11, v => WriteValueInfo(v, precision?.Apply(input) ?? input));
        }

        foreach (var output in _outputs)
        {
            WriteMessage(graph, 12, v => WriteValueInfo(v, precision?.Apply(output) ?? output));
        }
    }

    private static void WriteNode(CodedOutputStream node, Node value)
    {
        foreach (var input in value.Inputs)
        {
            WriteString(node, 1, input);
        }

        foreach (var output in value.Outputs)
        {
            WriteString(node, 2, output);
        }

        WriteString(node, 3, value.Name);
        WriteString(node, 4, value.OpType);
        foreach (var attribute in value.Attributes)
        {
            WriteMessage(node, 5, a => WriteAttribute(a, attribute));
        }
    }

    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        WriteString(output, 1, attribute.Name);
        switch (attribute)
        {
            case OnnxAttribute.Float f:
                WriteFloat(output, 2, f.Value);
                WriteInt64(output, 20, (long)AttributeType.Float);
                break;
            case OnnxAttribute.Int i:
                WriteInt64(output, 3, i.Value);
                WriteInt64(output, 20, (long)AttributeType.Int);
                break;
            case OnnxAttribute.String s:
                WriteString(output, 4, s.Value);
                WriteInt64(output, 20, (long)AttributeType.String);
                break;
            case OnnxAttribute.Floats fs:
                foreach (var v in fs.Values)
                {
                    WriteFloat(output, 7, v);
                }

                WriteInt64(output, 20, (long)AttributeType.Floats);
                break;
            case OnnxAttribute.Ints ints:
                foreach (var v in ints.Values)
                {
                    WriteInt64(output, 8, v);
                }

                WriteInt64(output, 20, (long)AttributeType.Ints);
                break;
            default:
                throw new NotSupportedException($"attribute type {attribute.GetType().Name}");
        }
    }

    private static void WriteTensor(CodedOutputStream tensor, Initializer value)
    {
        foreach (var dim in value.Dims)
        {
            WriteInt64(tensor, 1, dim);
        }

        WriteInt64(tensor, 2, (long)value.DataType);
        WriteString(tensor, 8, value.Name);
        tensor.WriteTag(9, WireFormat.WireType.LengthDelimited);
        tensor.WriteBytes(UnsafeByteOperations.UnsafeWrap(value.RawData));
    }

    private static void WriteValueInfo(CodedOutputStream valueInfo, ValueInfo value)
    {
        WriteString(valueInfo, 1, value.Name);
        WriteMessage(valueInfo, 2, type => WriteMessage(type, 1, tensorType =>
        {
            WriteInt64(tensorType, 1, (long)value.Type);
            WriteMessage(tensorType, 2, shape =>
            {
                for (var i = 0; i < value.Dims.Length; i++)
                {
                    var dim = value.Dims[i];
                    WriteMessage(shape, 1, d =>
                    {
                        if (dim > 0)
                        {
                            WriteInt64(d, 1, dim);
                        }
                        else
                        {
                            WriteString(d, 2, value.SymbolPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }
                    });
                }
            });
        }));
    }

    // Nested messages are length-prefixed, so each is written to its own buffer first.
    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var inner = new CodedOutputStream(buffer);
        write(inner);
        inner.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private static void WriteFloat(CodedOutputStream output, int field, float value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"the name '{name}' is already used in graph '{_graphName}'", nameof(name));
        }
    }

    private static long[] CheckShape(long[] dims, bool allowDynamic)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var dim in dims)
        {
            if (dim == 0 || dim < -1 || (dim == -1 && !allowDynamic))
            {
                throw new ArgumentOutOfRangeException(nameof(dims), dim, allowDynamic
                    ? "a dimension is a positive size or -1 (dynamic)"
                    : "an initializer's dimensions are positive sizes");
            }
        }

        return (long[])dims.Clone();
    }

    private static void CheckCount(int count, long[] dims)
    {
        long expected = 1;
        foreach (var dim in dims)
        {
            expected *= dim;
        }

        if (expected != count)
        {
            throw new ArgumentException($"shape [{string.Join(',', dims)}] holds {expected} values, got {count}");
        }
    }

    private enum AttributeType
    {
        Float = 1,
        Int = 2,
        String = 3,
        Floats = 6,
        Ints = 7,
    }

    private sealed record ValueInfo(string Name, long[] Dims, string SymbolPrefix, OnnxElementType Type);

    private sealed record Initializer(string Name, OnnxElementType DataType, long[] Dims, byte[] RawData);

    private sealed record Node(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

    private sealed class HalfPrecision
    {
        // Inputs ONNX defines as float32 whatever the data's type: Resize's roi (1) and scales (2).
        private readonly HashSet<string> _keepFloat32;

        public HalfPrecision(IEnumerable<Node> nodes)
        {
            _keepFloat32 = nodes
                .Where(n => n.OpType == "Resize")
                .SelectMany(n => n.Inputs.Skip(1).Take(2))
                .Where(name => name.Length > 0)
                .ToHashSet(StringComparer.Ordinal);
        }

        public Initializer Apply(Initializer initializer)
        {
            if (initializer.DataType != OnnxElementType.Float || _keepFloat32.Contains(initializer.Name))
            {
                return initializer;
            }

            var count = initializer.RawData.Length / sizeof(float);
            var raw = new byte[count * 2];
            for (var i = 0; i < count; i++)
            {
                var value = (Half)BinaryPrimitives.ReadSingleLittleEndian(initializer.RawData.AsSpan(i * sizeof(float)));
                BinaryPrimitives.WriteHalfLittleEndian(raw.AsSpan(i * 2), value);
            }

            return initializer with { DataType = OnnxElementType.Float16, RawData = raw };
        }

        public ValueInfo Apply(ValueInfo value) =>
            value.Type == OnnxElementType.Float ? value with { Type = OnnxElementType.Float16 } : value;

        public Node Apply(Node node)
        {
            if (node.OpType != "Cast")
            {
                return node;
            }

            var attributes = node.Attributes
                .Select(a => a is OnnxAttribute.Int { Name: "to", Value: (long)OnnxElementType.Float } ? new OnnxAttribute.Int("to", (long)OnnxElementType.Float16) : a)
                .ToArray();
            return node with { Attributes = attributes };
        }
    }
}
