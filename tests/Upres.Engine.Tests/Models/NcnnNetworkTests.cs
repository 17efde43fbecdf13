using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Tests.Models;

public class NcnnNetworkTests
{
    private const string TwoLayers = """
        7767517
        3 3
        Input                    in0                      0 1 in0
        Convolution              convrelu_0               1 1 in0 2 0=32 1=3 5=1 6=864 9=2 -23310=1,1.000000e-01
        Crop                     pad_9                    1 1 2 out0 -23309=2,4,4 -23310=2,-4,-4 -23311=2,-2,-1
        """;

    [Fact]
    public void Layer_lines_give_type_name_blobs_and_scalar_params()
    {
        var network = NcnnNetwork.Parse(TwoLayers);

        Assert.Equal(3, network.Layers.Count);
        Assert.Equal(3, network.BlobCount);
        var conv = network.Layers[1];
        Assert.Equal("Convolution", conv.Type);
        Assert.Equal("convrelu_0", conv.Name);
        Assert.Equal(["in0"], conv.Inputs);
        Assert.Equal(["2"], conv.Outputs);
        Assert.Equal(32, conv.Params.GetInt(0, 0));
        Assert.Equal(3, conv.Params.GetInt(11, conv.Params.GetInt(1, 0)));
        Assert.Equal(864, conv.Params.GetInt(6, 0));
    }

    [Fact]
    public void Array_params_are_stored_under_their_plain_id()
    {
        var network = NcnnNetwork.Parse(TwoLayers);

        Assert.Equal([0.1f], network.Layers[1].Params.GetFloats(10));
        var crop = network.Layers[2].Params;
        Assert.Equal([4, 4], crop.GetInts(9));
        Assert.Equal([-4, -4], crop.GetInts(10));
        Assert.Equal([-2, -1], crop.GetInts(11));
    }

    [Fact]
    public void Float_scalars_parse_in_exponent_form()
    {
        var network = NcnnNetwork.Parse("""
            7767517
            2 2
            Input in 0 1 data
            Interp up 1 1 data out 0=3 1=5.000000e-01 2=7.500000e-01
            """);

        Assert.Equal(0.5f, network.Layers[1].Params.GetFloat(1, 1f));
        Assert.Equal(0.75f, network.Layers[1].Params.GetFloat(2, 1f));
        Assert.Equal(0, network.Layers[1].Params.GetInt(6, 0));
    }

    [Theory]
    [InlineData("7767518\n1 1\nInput in 0 1 data\n", "first line")]
    [InlineData("7767517\n2 2\nInput in 0 1 data\n", "header says 2 layers")]
    [InlineData("7767517\n1 1\nReLU r 1 1 x y\n", "before any layer writes it")]
    [InlineData("7767517\n1 1\nInput in 0 1 data -23310=3,1,2\n", "count it declares")]
    public void Malformed_files_are_rejected_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<NcnnFormatException>(() => NcnnNetwork.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_catalog_param_file_parses()
    {
        var paths = UpresPaths.FromEnvironment();
        foreach (var model in Upres.Engine.Models.ModelCatalog.Default.All)
        {
            var file = model.Source.ParamFile(paths);
            Assert.True(File.Exists(file), $"{file} is missing: scripts/setup.sh fetches the model packages");
            var network = NcnnNetwork.Load(file);
            Assert.Equal("Input", network.Layers[0].Type);
        }
    }
}
