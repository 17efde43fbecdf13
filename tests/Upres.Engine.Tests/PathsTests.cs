using Upres.Engine;

namespace Upres.Engine.Tests;

public class PathsTests
{
    [Fact]
    public void The_cache_directory_comes_from_UPRES_CACHE_when_set()
    {
        var paths = UpresPaths.FromEnvironment();
        var expected = Environment.GetEnvironmentVariable("UPRES_CACHE");
        if (!string.IsNullOrEmpty(expected))
        {
            Assert.Equal(expected, paths.CacheDirectory);
        }

        Assert.EndsWith("libonnxruntime.so.1", paths.OrtLibraryPath, StringComparison.Ordinal);
    }
}
