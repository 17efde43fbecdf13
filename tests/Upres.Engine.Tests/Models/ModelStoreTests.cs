using Upres.Engine.Inference;
using Upres.Engine.Models;

namespace Upres.Engine.Tests.Models;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upres-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_model_is_converted_once_and_then_served_from_the_cache()
    {
        var store = new ModelStore(UpresPaths.FromEnvironment(), modelDirectory: _directory);

        var path = await store.GetOnnxPathAsync("realesr-animevideov3-x2");
        var written = File.GetLastWriteTimeUtc(path);
        var again = await store.GetOnnxPathAsync("realesr-animevideov3-x2");

        Assert.Equal(path, again);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again));
        Assert.StartsWith(_directory, path, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_directory));
        using var session = OnnxSession.Create(path);
        var output = session.Run(new float[3 * 8 * 8], [1, 3, 8, 8], out var shape, CancellationToken.None);
        Assert.Equal([1L, 3, 16, 16], shape);
    }

    [Fact]
    public async Task Concurrent_first_uses_from_two_stores_leave_one_complete_file()
    {
        var paths = UpresPaths.FromEnvironment();
        var first = new ModelStore(paths, modelDirectory: _directory);
        var second = new ModelStore(paths, modelDirectory: _directory);

        var results = await Task.WhenAll(
            Task.Run(() => first.GetOnnxPathAsync("realesr-animevideov3-x4")),
            Task.Run(() => second.GetOnnxPathAsync("realesr-animevideov3-x4")));

        Assert.Equal(results[0], results[1]);
        Assert.Equal([results[0]], Directory.GetFiles(_directory));
        using var session = OnnxSession.Create(results[0]);
    }

    [Fact]
    public async Task A_source_file_with_another_hash_is_refused()
    {
        var real = ModelCatalog.Default.Get("realesr-animevideov3-x2");
        var tampered = real with { Name = "tampered", Source = real.Source with { BinSha256 = new string('0', 64) } };
        var store = new ModelStore(UpresPaths.FromEnvironment(), new ModelCatalog([tampered], new Dictionary<int, string>()), _directory);

        var error = await Assert.ThrowsAsync<ModelIntegrityException>(() => store.GetOnnxPathAsync("tampered"));

        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void The_cache_key_changes_with_the_source_files()
    {
        var store = new ModelStore(UpresPaths.FromEnvironment(), modelDirectory: _directory);
        var model = ModelCatalog.Default.Get("realcugan-up2x-no-denoise");

        Assert.NotEqual(store.CachedPath(model), store.CachedPath(model with { Source = model.Source with { BinSha256 = new string('1', 64) } }));
    }
}
