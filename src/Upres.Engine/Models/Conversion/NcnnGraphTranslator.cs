using Upres.Engine.Models.Ncnn;
using Upres.Engine.Models.Onnx;

namespace Upres.Engine.Models.Conversion;

/// Emits one ONNX subgraph per ncnn layer. ncnn blobs are CHW (or 1-D after global pooling); here
/// they are NCHW, and 1-D blobs are kept as [N,C,1,1] so ncnn's per-channel broadcasting in BinaryOp
/// is ONNX's ordinary broadcasting.
internal sealed class NcnnGraphTranslator
{
    private readonly NcnnNetwork _network;
    private readonly NcnnWeightReader _weights;
    private readonly ConversionOptions _options;
    private readonly OnnxGraphBuilder _graph = new("upres");
    private readonly Dictionary<string, string> _tensorOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _vectorBlobs = new(StringComparer.Ordinal);
    private int _counter;
    private string? _inputHeightWidth;

    public NcnnGraphTranslator(NcnnNetwork network, NcnnWeightReader weights, ConversionOptions options)
    {
        _network = network;
        _weights = weights;
        _options = options;
    }

    public byte[] Translate(CancellationToken cancellationToken)
    {
        var image = _options.PackedBytes ? PackedInput() : _graph.AddInput(_options.InputName, -1, 3, -1, -1);
        var framed = FrameInput(image);

        foreach (var layer in _network.Layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TranslateLayer(layer, framed);
        }

        if (_weights.Remaining != 0)
        {
            throw new NcnnFormatException($"{_weights.Remaining} bytes of the weight file were not used: the layers and the .bin disagree");
        }

        var result = UnframeOutput(Tensor(FindOutputBlob()), image);
        if (_options.PackedBytes)
        {
            PackedOutput(result);
        }
        else
        {
            _graph.AddNode("Identity", [result], [_options.OutputName]);
            _graph.AddOutput(_options.OutputName, -1, 3, -1, -1);
        }

        return _graph.ToModelBytes(halfPrecision: _options.HalfPrecision);
    }

    // uint8 [1,H,W,3] -> float [1,3,H,W] in 0..1, as FrameConverter.ToPlanar does it on the CPU.
    private string PackedInput()
    {
        var bytes = _graph.AddInput(_options.InputName, OnnxElementType.UInt8, 1, -1, -1, 3);
        var floats = Node("Cast", [bytes], new OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        var unit = Node("Mul", [floats, Floats("inverse_255", 1f / 255f, scalar: true)]);
        return Node("Transpose", [unit], new OnnxAttribute.Ints("perm", [0, 3, 1, 2]));
    }

    // float [1,3,sH,sW] -> uint8 [1,sH,sW,3], rounded as FrameConverter.ToPacked does: clamp to
    // 0..1, x 255, + 0.5, truncate.
    private void PackedOutput(string result)
    {
        var clipped = Node("Clip", [result, Floats("zero", 0f, scalar: true), Floats("one", 1f, scalar: true)]);
        var levels = Node("Floor", [Node("Add", [Node("Mul", [clipped, Floats("255", 255f, scalar: true)]), Floats("half", 0.5f, scalar: true)])]);
        var packed = Node("Transpose", [levels], new OnnxAttribute.Ints("perm", [0, 2, 3, 1]));
        _graph.AddNode("Cast", [packed], [_options.OutputName], new OnnxAttribute.Int("to", (long)OnnxElementType.UInt8));
        _graph.AddOutput(_options.OutputName, OnnxElementType.UInt8, 1, -1, -1, 3);
    }

    /// RIFE v4's flownet as one graph: input [N,7,H,W] = frame 0 (RGB, 0..1), frame 1, and the
    /// timestep in channel 6 (only its first pixel is read); output [N,3,H,W], the frame at that
    /// time. Frames are zero-padded bottom/right to a multiple of 32 and the timestep plane filled
    /// at the padded size, as rife-ncnn-vulkan does, and the output cropped back.
    public byte[] TranslateInterpolation(CancellationToken cancellationToken)
    {
        const long multiple = 32;
        var input = _graph.AddInput(_options.InputName, -1, 7, -1, -1);
        var hw = InputHeightWidth(input);
        var m = Int64s("multiple", multiple, multiple);
        var padHw = Node("Mod", [Node("Sub", [m, Node("Mod", [hw, m])]), m]);
        var pads = Node("Concat", [Int64s("pads_begin", 0, 0, 0, 0, 0, 0), padHw], new OnnxAttribute.Int("axis", 0));
        var frames = Node("Slice", [input, Int64s("frames_start", 0), Int64s("frames_end", 6), Int64s("frames_axis", 1)]);
        var padded = Node("Pad", [frames, pads], new OnnxAttribute.String("mode", "constant"));
        var frame0 = Node("Slice", [padded, Int64s("f0_start", 0), Int64s("f0_end", 3), Int64s("f0_axis", 1)]);
        var frame1 = Node("Slice", [padded, Int64s("f1_start", 3), Int64s("f1_end", 6), Int64s("f1_axis", 1)]);
        var paddedShape = Node("Shape", [frame0]);
        var planeShape = Node("Concat", [Node("Slice", [paddedShape, Int64s("n_start", 0), Int64s("n_end", 1), Int64s("n_axis", 0)]), Int64s("one_channel", 1),
            Node("Slice", [paddedShape, Int64s("hw_start", 2), Int64s("hw_end", 4), Int64s("hw_axis", 0)])], new OnnxAttribute.Int("axis", 0));
        var t = Node("Slice", [input, Int64s("t_start", 6, 0, 0), Int64s("t_end", 7, 1, 1), Int64s("t_axes", 1, 2, 3)]);
        var timestep = Node("Expand", [t, planeShape]);
        string[] inputs = [frame0, frame1, timestep];

        var next = 0;
        foreach (var layer in _network.Layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (layer.Type == "Input")
            {
                if (next == inputs.Length)
                {
                    throw new NcnnFormatException($"{layer.Name}: an interpolation network has three inputs (frame 0, frame 1, timestep)");
                }

                Bind(layer.Outputs[0], inputs[next++]);
                continue;
            }

            TranslateLayer(layer, string.Empty);
        }

        if (_weights.Remaining != 0)
        {
            throw new NcnnFormatException($"{_weights.Remaining} bytes of the weight file were not used: the layers and the .bin disagree");
        }

        var result = Node("Slice", [Tensor(FindOutputBlob()), Int64s("crop_start", 0, 0), hw, Int64s("crop_axes", 2, 3)]);
        _graph.AddNode("Identity", [result], [_options.OutputName]);
        _graph.AddOutput(_options.OutputName, -1, 3, -1, -1);
        return _graph.ToModelBytes();
    }

    /// rife.Warp samples image at (x + flow_x, y + flow_y) bilinearly, clamping to the edge:
    /// GridSample with corner-aligned coordinates and border padding.
    private string Warp(NcnnLayer layer)
    {
        var image = Tensor(layer.Inputs[0]);
        var flow = Tensor(layer.Inputs[1]);
        var hw = Node("Cast", [Node("Slice", [Node("Shape", [flow]), Int64s("hw_start", 2), Int64s("hw_end", 4), Int64s("hw_axis", 0)])], new OnnxAttribute.Int("to", 1));
        var zero = Floats("zero", 0f, scalar: true);
        var one = Floats("one", 1f, scalar: true);
        var height = Node("Gather", [hw, Int64Scalar("h_index", 0)], new OnnxAttribute.Int("axis", 0));
        var width = Node("Gather", [hw, Int64Scalar("w_index", 1)], new OnnxAttribute.Int("axis", 0));
        var xs = Node("Reshape", [Node("Range", [zero, width, one]), Int64s("row", 1, 1, 1, -1)]);
        var ys = Node("Reshape", [Node("Range", [zero, height, one]), Int64s("column", 1, 1, -1, 1)]);
        var two = Floats("two", 2f, scalar: true);
        string Normalised(string position, string size) =>
            Node("Sub", [Node("Mul", [position, Node("Div", [two, Node("Sub", [size, one])])]), one]);
        var fx = Node("Slice", [flow, Int64s("fx_start", 0), Int64s("fx_end", 1), Int64s("fx_axis", 1)]);
        var fy = Node("Slice", [flow, Int64s("fy_start", 1), Int64s("fy_end", 2), Int64s("fy_axis", 1)]);
        var gx = Normalised(Node("Add", [fx, xs]), width);
        var gy = Normalised(Node("Add", [fy, ys]), height);
        var grid = Node("Transpose", [Node("Concat", [gx, gy], new OnnxAttribute.Int("axis", 1))], new OnnxAttribute.Ints("perm", [0, 2, 3, 1]));
        return Node(
            "GridSample",
            [image, grid],
            new OnnxAttribute.String("mode", "bilinear"),
            new OnnxAttribute.String("padding_mode", "border"),
            new OnnxAttribute.Int("align_corners", 1));
    }

    private string FindOutputBlob()
    {
        var consumed = _network.Layers.SelectMany(l => l.Inputs).ToHashSet(StringComparer.Ordinal);
        var outputs = _network.Layers.SelectMany(l => l.Outputs).Where(b => !consumed.Contains(b)).ToList();
        return outputs.Count == 1
            ? outputs[0]
            : throw new NcnnFormatException($"expected one output blob, found {outputs.Count}: {string.Join(", ", outputs)}");
    }

    private string FrameInput(string input)
    {
        var framing = _options.Framing;
        if (framing.PrePadding == 0 && framing.SizeMultiple <= 1)
        {
            return input;
        }

        // The binaries' preproc shader mirrors coordinates as i -> (n-1) - |(|i|) - (n-1)|. Gathering
        // with those indices matches it for any image size, where ONNX Pad's reflect mode refuses
        // a pad wider than the image (a small tile).
        var shape = Node("Shape", [input]);
        var framed = input;
        foreach (var axis in new long[] { 2, 3 })
        {
            var size = Node("Gather", [shape, Int64Scalar("axis", axis)], new OnnxAttribute.Int("axis", 0));
            var last = Node("Sub", [size, Int64Scalar("one", 1)]);
            var end = Node("Add", [size, Int64Scalar("prepad", framing.PrePadding)]);
            if (framing.SizeMultiple > 1)
            {
                // Bottom/right also get whatever makes the padded size a multiple of SizeMultiple.
                var m = Int64Scalar("multiple", framing.SizeMultiple);
                end = Node("Add", [end, Node("Mod", [Node("Sub", [m, Node("Mod", [size, m])]), m])]);
            }

            var positions = Node("Range", [Int64Scalar("start", -framing.PrePadding), end, Int64Scalar("step", 1)]);
            var mirrored = Node("Sub", [last, Node("Abs", [Node("Sub", [Node("Abs", [positions]), last])])]);
            var indices = Node("Max", [Node("Min", [mirrored, last]), Int64Scalar("zero", 0)]);
            framed = Node("Gather", [framed, indices], new OnnxAttribute.Int("axis", axis));
        }

        return framed;
    }

    private string UnframeOutput(string output, string input)
    {
        var framing = _options.Framing;
        if (framing.PrePadding == 0 && framing.SizeMultiple <= 1 && !framing.AddsNearestUpscaledInput)
        {
            return output;
        }

        var scale = _options.Scale;
        var offset = framing.ModelConsumesPadding ? 0 : (long)framing.PrePadding * scale;
        var ends = Node("Add", [Node("Mul", [InputHeightWidth(input), Int64s("scale", scale)]), Int64s("offset", offset)]);
        var cropped = Node("Slice", [output, Int64s("starts", offset, offset), ends, Int64s("axes", 2, 3)]);
        if (!framing.AddsNearestUpscaledInput)
        {
            return cropped;
        }

        var upscaled = _options.PortableOperators
            ? NearestByDepthToSpace(input, scale)
            : Node(
                "Resize",
                [input, string.Empty, Floats("scales", 1, 1, scale, scale)],
                new OnnxAttribute.String("mode", "nearest"),
                new OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
                new OnnxAttribute.String("nearest_mode", "floor"));
        return Node("Add", [cropped, upscaled]);
    }

    private string InputHeightWidth(string input)
    {
        _inputHeightWidth ??= Node("Slice", [Node("Shape", [input]), Int64s("hw_start", 2), Int64s("hw_end", 4), Int64s("hw_axis", 0)]);
        return _inputHeightWidth;
    }

    private void TranslateLayer(NcnnLayer layer, string framedInput)
    {
        var p = layer.Params;
        switch (layer.Type)
        {
            case "Input":
                Bind(layer.Outputs[0], framedInput);
                break;
            case "Split":
                foreach (var output in layer.Outputs)
                {
                    Bind(output, Tensor(layer.Inputs[0]));
                    if (_vectorBlobs.Contains(layer.Inputs[0]))
                    {
                        _vectorBlobs.Add(output);
                    }
                }

                break;
            case "Noop":
            case "Dropout":
                Bind(layer.Outputs[0], Tensor(layer.Inputs[0]));
                break;
            case "Convolution":
                Bind(layer.Outputs[0], Convolution(layer, group: 1));
                break;
            case "ConvolutionDepthWise":
                Bind(layer.Outputs[0], Convolution(layer, group: p.GetInt(7, 1)));
                break;
            case "Deconvolution":
                Bind(layer.Outputs[0], Deconvolution(layer));
                break;
            case "InnerProduct":
                Bind(layer.Outputs[0], InnerProduct(layer));
                _vectorBlobs.Add(layer.Outputs[0]);
                break;
            case "PReLU":
                Bind(layer.Outputs[0], PRelu(layer));
                break;
            case "ReLU":
                var slope = p.GetFloat(0, 0f);
                Bind(layer.Outputs[0], slope == 0f
                    ? Node("Relu", [Tensor(layer.Inputs[0])])
                    : Node("LeakyRelu", [Tensor(layer.Inputs[0])], new OnnxAttribute.Float("alpha", slope)));
                break;
            case "Sigmoid":
                Bind(layer.Outputs[0], Node("Sigmoid", [Tensor(layer.Inputs[0])]));
                break;
            case "Clip":
                Bind(layer.Outputs[0], Node("Clip", [Tensor(layer.Inputs[0]), Floats("min", p.GetFloat(0, float.MinValue), scalar: true), Floats("max", p.GetFloat(1, float.MaxValue), scalar: true)]));
                break;
            case "PixelShuffle":
                Bind(layer.Outputs[0], Node(
                    "DepthToSpace",
                    [Tensor(layer.Inputs[0])],
                    new OnnxAttribute.Int("blocksize", p.GetInt(0, 1)),
                    new OnnxAttribute.String("mode", p.GetInt(1, 0) == 0 ? "CRD" : "DCR")));
                break;
            case "Interp":
                Bind(layer.Outputs[0], Interp(layer));
                break;
            case "rife.Warp":
                Bind(layer.Outputs[0], Warp(layer));
                break;
            case "BinaryOp":
                Bind(layer.Outputs[0], BinaryOp(layer));
                break;
            case "Eltwise":
                Bind(layer.Outputs[0], Eltwise(layer));
                break;
            case "Concat":
                var axis = p.GetInt(0, 0);
                Bind(layer.Outputs[0], Node("Concat", layer.Inputs.Select(Tensor).ToList(), new OnnxAttribute.Int("axis", axis >= 0 ? axis + 1 : axis)));
                break;
            case "Crop":
                Bind(layer.Outputs[0], Crop(layer));
                break;
            case "Pooling":
                Bind(layer.Outputs[0], Pooling(layer));
                break;
            case "Padding":
                Bind(layer.Outputs[0], Padding(layer));
                break;
            default:
                throw new NotSupportedException($"ncnn layer type '{layer.Type}' ({layer.Name}) has no ONNX translation");
        }
    }

    private string Convolution(NcnnLayer layer, int group)
    {
        var p = layer.Params;
        if (p.GetInt(8, 0) != 0 || p.GetInt(19, 0) != 0)
        {
            throw new NotSupportedException($"{layer.Name}: int8 or dynamic-weight convolutions are not supported");
        }

        var numOutput = p.GetInt(0, 0);
        var (kernelW, kernelH, geometry) = KernelGeometry(p);
        var weightSize = p.GetInt(6, 0);
        var inputChannelsPerGroup = weightSize / (numOutput * kernelW * kernelH);

        var weights = _weights.ReadTagged(weightSize);
        var bias = p.GetInt(5, 0) != 0 ? _weights.ReadRaw(numOutput) : null;

        var attributes = new List<OnnxAttribute>(geometry) { new OnnxAttribute.Int("group", group) };
        attributes.AddRange(PaddingAttributes(layer));

        var inputs = new List<string>
        {
            Tensor(layer.Inputs[0]),
            _graph.AddInitializer(Name(layer.Name + "/weight"), weights, numOutput, inputChannelsPerGroup, kernelH, kernelW),
        };
        if (bias is not null)
        {
            inputs.Add(_graph.AddInitializer(Name(layer.Name + "/bias"), bias, numOutput));
        }

        var conv = Node("Conv", inputs, [.. attributes]);
        return Activation(conv, p.GetInt(9, 0), p.GetFloats(10), layer.Name);
    }

    /// ncnn's kernel (1/11), dilation (2/12) and stride (3/13) keys, read the same way by
    /// Convolution and Deconvolution.
    private static (int KernelW, int KernelH, OnnxAttribute[] Attributes) KernelGeometry(NcnnParamDictionary p)
    {
        var kernelW = p.GetInt(1, 0);
        var kernelH = p.GetInt(11, kernelW);
        var dilationW = p.GetInt(2, 1);
        var strideW = p.GetInt(3, 1);
        return (kernelW, kernelH,
        [
            new OnnxAttribute.Ints("kernel_shape", [kernelH, kernelW]),
            new OnnxAttribute.Ints("strides", [p.GetInt(13, strideW), strideW]),
            new OnnxAttribute.Ints("dilations", [p.GetInt(12, dilationW), dilationW]),
        ]);
    }

    private static IEnumerable<OnnxAttribute> PaddingAttributes(NcnnLayer layer)
    {
        var p = layer.Params;
        var padLeft = p.GetInt(4, 0);
        if (padLeft is -233 or -234)
        {
            yield return new OnnxAttribute.String("auto_pad", padLeft == -233 ? "SAME_UPPER" : "SAME_LOWER");
            yield break;
        }

        if (padLeft < 0)
        {
            throw new NotSupportedException($"{layer.Name}: pad mode {padLeft} is not supported");
        }

        if (p.GetFloat(18, 0f) != 0f && layer.Type != "Deconvolution")
        {
            throw new NotSupportedException($"{layer.Name}: non-zero convolution pad value is not supported");
        }

        var padRight = p.GetInt(15, padLeft);
        var padTop = p.GetInt(14, padLeft);
        var padBottom = p.GetInt(16, padTop);
        yield return new OnnxAttribute.Ints("pads", [padTop, padLeft, padBottom, padRight]);
    }

    private string Deconvolution(NcnnLayer layer)
    {
        var p = layer.Params;
        if (p.GetInt(20, 0) != 0 || p.GetInt(21, 0) != 0)
        {
            throw new NotSupportedException($"{layer.Name}: deconvolution with a fixed output size is not supported");
        }

        var numOutput = p.GetInt(0, 0);
        var (kernelW, kernelH, geometry) = KernelGeometry(p);
        var padLeft = p.GetInt(4, 0);
        var padRight = p.GetInt(15, padLeft);
        var padTop = p.GetInt(14, padLeft);
        var padBottom = p.GetInt(16, padTop);
        var outputPadRight = p.GetInt(18, 0);
        var outputPadBottom = p.GetInt(19, outputPadRight);
        if (padLeft < 0)
        {
            throw new NotSupportedException($"{layer.Name}: deconvolution pad mode {padLeft} is not supported");
        }

        var weightSize = p.GetInt(6, 0);
        var kernelArea = kernelW * kernelH;
        var inputChannels = weightSize / (numOutput * kernelArea);
        var ncnnWeights = _weights.ReadTagged(weightSize);
        var bias = p.GetInt(5, 0) != 0 ? _weights.ReadRaw(numOutput) : null;

        // ncnn keeps deconvolution weights as [out][in][kh][kw]; ONNX ConvTranspose wants [in][out][kh][kw].
        var weights = new float[weightSize];
        for (var o = 0; o < numOutput; o++)
        {
            for (var i = 0; i < inputChannels; i++)
            {
                ncnnWeights.AsSpan((o * inputChannels + i) * kernelArea, kernelArea)
                    .CopyTo(weights.AsSpan((i * numOutput + o) * kernelArea, kernelArea));
            }
        }

        var inputs = new List<string>
        {
            Tensor(layer.Inputs[0]),
            _graph.AddInitializer(Name(layer.Name + "/weight"), weights, inputChannels, numOutput, kernelH, kernelW),
        };
        if (bias is not null)
        {
            inputs.Add(_graph.AddInitializer(Name(layer.Name + "/bias"), bias, numOutput));
        }

        var deconv = Node(
            "ConvTranspose",
            inputs,
            [
                .. geometry,
                new OnnxAttribute.Ints("pads", [padTop, padLeft, padBottom, padRight]),
                new OnnxAttribute.Ints("output_padding", [outputPadBottom, outputPadRight]),
            ]);
        return Activation(deconv, p.GetInt(9, 0), p.GetFloats(10), layer.Name);
    }

    private string InnerProduct(NcnnLayer layer)
    {
        var p = layer.Params;
        if (p.GetInt(8, 0) != 0)
        {
            throw new NotSupportedException($"{layer.Name}: int8 inner products are not supported");
        }

        var numOutput = p.GetInt(0, 0);
        var weightSize = p.GetInt(2, 0);
        var inputSize = weightSize / numOutput;
        var weights = _weights.ReadTagged(weightSize);
        var bias = p.GetInt(1, 0) != 0 ? _weights.ReadRaw(numOutput) : null;

        var input = Tensor(layer.Inputs[0]);
        if (!_vectorBlobs.Contains(layer.Inputs[0]))
        {
            // ncnn flattens a CHW blob in C, H, W order, which is also ONNX's row-major order.
            input = Node("Reshape", [input, Int64s("flat", 0, -1, 1, 1)]);
        }

        // A 1x1 convolution over [N,C,1,1] is the inner product and keeps the blob broadcastable.
        var inputs = new List<string>
        {
            input,
            _graph.AddInitializer(Name(layer.Name + "/weight"), weights, numOutput, inputSize, 1, 1),
        };
        if (bias is not null)
        {
            inputs.Add(_graph.AddInitializer(Name(layer.Name + "/bias"), bias, numOutput));
        }

        var product = Node("Conv", inputs, new OnnxAttribute.Ints("kernel_shape", [1, 1]));
        return Activation(product, p.GetInt(9, 0), p.GetFloats(10), layer.Name);
    }

    private string Activation(string x, int type, float[] parameters, string layerName) => type switch
    {
        0 => x,
        1 => Node("Relu", [x]),
        2 => Node("LeakyRelu", [x], new OnnxAttribute.Float("alpha", parameters.Length > 0 ? parameters[0] : 0f)),
        3 => Node("Clip", [x, Floats("clip_min", parameters[0], scalar: true), Floats("clip_max", parameters[1], scalar: true)]),
        4 => Node("Sigmoid", [x]),
        5 => Node("Mul", [x, Node("Tanh", [Node("Softplus", [x])])]),
        6 => Node("Mul", [x, Node("HardSigmoid", [x], new OnnxAttribute.Float("alpha", parameters[0]), new OnnxAttribute.Float("beta", parameters[1]))]),
        _ => throw new NotSupportedException($"{layerName}: fused activation type {type} is not supported"),
    };

    private string PRelu(NcnnLayer layer)
    {
        var count = layer.Params.GetInt(0, 0);
        var slopes = _weights.ReadRaw(count);
        var slope = count == 1
            ? _graph.AddInitializer(Name(layer.Name + "/slope"), slopes, 1)
            : _graph.AddInitializer(Name(layer.Name + "/slope"), slopes, count, 1, 1);
        var x = Tensor(layer.Inputs[0]);
        return _options.PortableOperators
            ? Node("Where", [Node("Greater", [x, Floats("zero", 0f, scalar: true)]), x, Node("Mul", [x, slope])])
            : Node("PRelu", [x, slope]);
    }

    // Bicubic halving (Keys, A = -0.75, half-pixel centres, edges replicated) without Resize: every
    // output pixel sits half-way between two input pixels, so it is one fixed 4x4 filter at
    // stride 2 over the edge-padded image, run per channel as a one-channel convolution.
    private string HalfByCubic(string input)
    {
        const float Near = 0.59375f, Far = -0.09375f;
        float[] taps = [Far, Near, Near, Far];
        var kernel = new float[16];
        for (var i = 0; i < 16; i++)
        {
            kernel[i] = taps[i / 4] * taps[i % 4];
        }

        var planes = Node("Reshape", [input, Int64s("planes", -1, 1, 0, 0)]);
        var padded = Node("Pad", [planes, Int64s("edge_pads", 0, 0, 1, 1, 0, 0, 1, 1)], new OnnxAttribute.String("mode", "edge"));
        var halved = Node("Conv", [padded, _graph.AddInitializer(Name("cubic_half"), kernel, 1, 1, 4, 4)],
            new OnnxAttribute.Ints("strides", [2, 2]));
        return Node("Reshape", [halved, Int64s("channels", 1, -1, 0, 0)]);
    }

    // Nearest upscaling by a whole factor r without Resize: r*r copies of the channels, then
    // DepthToSpace (DCR) puts copy i*r+j at offset (i, j) of every r x r block.
    private string NearestByDepthToSpace(string input, int r) =>
        Node("DepthToSpace", [Node("Tile", [input, Int64s("repeats", 1, (long)r * r, 1, 1)])],
            new OnnxAttribute.Int("blocksize", r), new OnnxAttribute.String("mode", "DCR"));

    private string Interp(NcnnLayer layer)
    {
        var p = layer.Params;
        var resizeType = p.GetInt(0, 0);
        var heightScale = p.GetFloat(1, 1f);
        var widthScale = p.GetFloat(2, 1f);
        var outputHeight = p.GetInt(3, 0);
        var outputWidth = p.GetInt(4, 0);
        var alignCorner = p.GetInt(6, 0) != 0;
        if (p.GetInt(5, 0) != 0 || layer.Inputs.Count > 1)
        {
            throw new NotSupportedException($"{layer.Name}: Interp with a dynamic target size is not supported");
        }

        var input = Tensor(layer.Inputs[0]);
        if (_options.PortableOperators && resizeType == 1 && outputHeight == 0 && outputWidth == 0
            && heightScale == widthScale && heightScale >= 2 && heightScale == MathF.Floor(heightScale))
        {
            return NearestByDepthToSpace(input, (int)heightScale);
        }

        if (_options.PortableOperators && resizeType == 3 && !alignCorner && outputHeight == 0 && outputWidth == 0
            && heightScale == 0.5f && widthScale == 0.5f)
        {
            return HalfByCubic(input);
        }

        var attributes = new List<OnnxAttribute>();
        switch (resizeType)
        {
            case 1:
                // ncnn: sx = min(floor(dx * in/out), in-1).
                attributes.Add(new OnnxAttribute.String("mode", "nearest"));
                attributes.Add(new OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"));
                attributes.Add(new OnnxAttribute.String("nearest_mode", "floor"));
                break;
            case 2:
                // ncnn clamps the source coordinate to the edge, as ONNX Runtime does.
                attributes.Add(new OnnxAttribute.String("mode", "linear"));
                attributes.Add(new OnnxAttribute.String("coordinate_transformation_mode", alignCorner ? "align_corners" : "half_pixel"));
                break;
            case 3:
                // ncnn's cubic kernel is Keys' with A = -0.75 and replicates edge pixels, with no
                // antialiasing when it shrinks.
                attributes.Add(new OnnxAttribute.String("mode", "cubic"));
                attributes.Add(new OnnxAttribute.Float("cubic_coeff_a", -0.75f));
                attributes.Add(new OnnxAttribute.Int("exclude_outside", 0));
                attributes.Add(new OnnxAttribute.String("coordinate_transformation_mode", alignCorner ? "align_corners" : "half_pixel"));
                break;
            default:
                throw new NotSupportedException($"{layer.Name}: Interp resize type {resizeType} is not supported");
        }

        if (outputHeight > 0 && outputWidth > 0)
        {
            var batchAndChannels = Node("Slice", [Node("Shape", [input]), Int64s("nc_start", 0), Int64s("nc_end", 2), Int64s("nc_axis", 0)]);
            var sizes = Node("Concat", [batchAndChannels, Int64s("size", outputHeight, outputWidth)], new OnnxAttribute.Int("axis", 0));
            return Node("Resize", [input, string.Empty, string.Empty, sizes], [.. attributes]);
        }

        return Node("Resize", [input, string.Empty, Floats("scales", 1, 1, heightScale, widthScale)], [.. attributes]);
    }

    private string BinaryOp(NcnnLayer layer)
    {
        var p = layer.Params;
        var opType = p.GetInt(0, 0);
        var a = Tensor(layer.Inputs[0]);
        var b = p.GetInt(1, 0) != 0 ? Floats("scalar", p.GetFloat(2, 0f)) : Tensor(layer.Inputs[1]);
        return opType switch
        {
            0 => Node("Add", [a, b]),
            1 => Node("Sub", [a, b]),
            2 => Node("Mul", [a, b]),
            3 => Node("Div", [a, b]),
            4 => Node("Max", [a, b]),
            5 => Node("Min", [a, b]),
            6 => Node("Pow", [a, b]),
            7 => Node("Sub", [b, a]),
            8 => Node("Div", [b, a]),
            _ => throw new NotSupportedException($"{layer.Name}: BinaryOp type {opType} is not supported"),
        };
    }

    private string Eltwise(NcnnLayer layer)
    {
        var p = layer.Params;
        var opType = p.GetInt(0, 0);
        var coefficients = p.GetFloats(1);
        var inputs = layer.Inputs.Select(Tensor).ToList();
        switch (opType)
        {
            case 0:
                return inputs.Skip(1).Aggregate(inputs[0], (product, x) => Node("Mul", [product, x]));
            case 1:
                if (coefficients.Length > 0)
                {
                    inputs = inputs.Select((x, i) => coefficients[i] == 1f ? x : Node("Mul", [x, Floats("coeff", coefficients[i])])).ToList();
                }

                return Node("Sum", inputs);
            case 2:
                return Node("Max", inputs);
            default:
                throw new NotSupportedException($"{layer.Name}: Eltwise type {opType} is not supported");
        }
    }

    private string Crop(NcnnLayer layer)
    {
        var p = layer.Params;
        if (layer.Inputs.Count > 1)
        {
            throw new NotSupportedException($"{layer.Name}: Crop to a reference blob is not supported");
        }

        var input = Tensor(layer.Inputs[0]);
        var starts = p.GetInts(9);
        if (starts.Length > 0)
        {
            var ends = p.GetInts(10);
            var axes = p.GetInts(11);
            if (axes.Length == 0)
            {
                axes = Enumerable.Range(0, starts.Length).ToArray();
            }

            // ncnn's axes count over CHW; a negative end counts from the end, as in ONNX Slice.
            return Node(
                "Slice",
                [
                    input,
                    Int64s("starts", starts.Select(s => (long)s).ToArray()),
                    Int64s("ends", ends.Select(e => e == int.MaxValue ? long.MaxValue : e).ToArray()),
                    Int64s("axes", axes.Select(a => a >= 0 ? a + 1L : a).ToArray()),
                ]);
        }

        // The offset form: 0=woffset 1=hoffset 2=coffset 3=outw 4=outh 5=outc 6/7/8 = trailing offsets.
        var sliceStarts = new List<long>();
        var sliceEnds = new List<long>();
        var sliceAxes = new List<long>();
        void Axis(long axis, int offset, int size, int trailing)
        {
            if (offset == 0 && size <= 0 && trailing == 0)
            {
                return;
            }

            sliceAxes.Add(axis);
            sliceStarts.Add(offset);
            sliceEnds.Add(size > 0 ? offset + size : trailing > 0 ? -trailing : long.MaxValue);
        }

        Axis(3, p.GetInt(0, 0), p.GetInt(3, 0), p.GetInt(6, 0));
        Axis(2, p.GetInt(1, 0), p.GetInt(4, 0), p.GetInt(7, 0));
        Axis(1, p.GetInt(2, 0), p.GetInt(5, 0), p.GetInt(8, 0));
        if (sliceAxes.Count == 0)
        {
            return input;
        }

        return Node("Slice", [input, Int64s("starts", [.. sliceStarts]), Int64s("ends", [.. sliceEnds]), Int64s("axes", [.. sliceAxes])]);
    }

    private string Pooling(NcnnLayer layer)
    {
        var p = layer.Params;
        var type = p.GetInt(0, 0);
        var input = Tensor(layer.Inputs[0]);
        if (p.GetInt(4, 0) != 0)
        {
            _vectorBlobs.Add(layer.Outputs[0]);
            return Node(type == 0 ? "GlobalMaxPool" : "GlobalAveragePool", [input]);
        }

        if (p.GetInt(7, 0) != 0)
        {
            throw new NotSupportedException($"{layer.Name}: adaptive pooling is not supported");
        }

        var kernelW = p.GetInt(1, 0);
        var kernelH = p.GetInt(11, kernelW);
        var strideW = p.GetInt(2, 1);
        var strideH = p.GetInt(12, strideW);
        var padLeft = p.GetInt(3, 0);
        var padRight = p.GetInt(14, padLeft);
        var padTop = p.GetInt(13, padLeft);
        var padBottom = p.GetInt(15, padTop);
        var padMode = p.GetInt(5, 0);
        var attributes = new List<OnnxAttribute>
        {
            new OnnxAttribute.Ints("kernel_shape", [kernelH, kernelW]),
            new OnnxAttribute.Ints("strides", [strideH, strideW]),
        };
        switch (padMode)
        {
            case 0:
                // ncnn's "full" mode pads the bottom/right so the last partial window counts: ceil mode.
                attributes.Add(new OnnxAttribute.Ints("pads", [padTop, padLeft, padBottom, padRight]));
                attributes.Add(new OnnxAttribute.Int("ceil_mode", 1));
                break;
            case 1:
                attributes.Add(new OnnxAttribute.Ints("pads", [padTop, padLeft, padBottom, padRight]));
                break;
            default:
                attributes.Add(new OnnxAttribute.String("auto_pad", padMode == 2 ? "SAME_UPPER" : "SAME_LOWER"));
                break;
        }

        if (type != 0)
        {
            attributes.Add(new OnnxAttribute.Int("count_include_pad", p.GetInt(6, 1)));
        }

        return Node(type == 0 ? "MaxPool" : "AveragePool", [input], [.. attributes]);
    }

    private string Padding(NcnnLayer layer)
    {
        var p = layer.Params;
        if (p.GetInt(7, 0) != 0 || p.GetInt(8, 0) != 0 || layer.Inputs.Count > 1)
        {
            throw new NotSupportedException($"{layer.Name}: channel or dynamic padding is not supported");
        }

        var top = p.GetInt(0, 0);
        var bottom = p.GetInt(1, 0);
        var left = p.GetInt(2, 0);
        var right = p.GetInt(3, 0);
        var mode = p.GetInt(4, 0) switch
        {
            0 => "constant",
            1 => "edge",
            2 => "reflect",
            var other => throw new NotSupportedException($"{layer.Name}: padding type {other} is not supported"),
        };
        var pads = Int64s("pads", 0, 0, top, left, 0, 0, bottom, right);
        return mode == "constant"
            ? Node("Pad", [Tensor(layer.Inputs[0]), pads, Floats("pad_value", p.GetFloat(5, 0f), scalar: true)], new OnnxAttribute.String("mode", mode))
            : Node("Pad", [Tensor(layer.Inputs[0]), pads], new OnnxAttribute.String("mode", mode));
    }

    private void Bind(string blob, string tensor) => _tensorOf[blob] = tensor;

    private string Tensor(string blob) =>
        _tensorOf.TryGetValue(blob, out var tensor) ? tensor : throw new NcnnFormatException($"blob '{blob}' is used before it is produced");

    private string Name(string stem) => $"{stem}#{_counter++}";

    private string Node(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        _graph.AddNode(opType, inputs, [Name(opType)], attributes);

    private string Int64s(string stem, params long[] values) => _graph.AddInitializerInt64(Name(stem), values, values.Length);

    private string Int64Scalar(string stem, long value) => _graph.AddInitializerInt64(Name(stem), [value]);

    private string Floats(string stem, params float[] values) => _graph.AddInitializer(Name(stem), values, values.Length);

    private string Floats(string stem, float value, bool scalar) =>
        scalar ? _graph.AddInitializer(Name(stem), [value]) : Floats(stem, value);
}
