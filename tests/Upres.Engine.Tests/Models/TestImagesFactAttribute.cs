namespace Upres.Engine.Tests.Models;

/// A fact that is skipped, with the reason shown, when ../shared/testdata is not beside the repo.
public sealed class TestImagesFactAttribute : FactAttribute
{
    public TestImagesFactAttribute()
    {
        if (!TestData.ImagesAvailable)
        {
            Skip = TestData.MissingImagesMessage;
        }
    }
}
