namespace Upres.Engine.Tests.Models;

/// A theory that is skipped, with the reason shown, when ../shared/testdata is not beside the repo.
public sealed class TestImagesTheoryAttribute : TheoryAttribute
{
    public TestImagesTheoryAttribute()
    {
        if (!TestData.ImagesAvailable)
        {
            Skip = TestData.MissingImagesMessage;
        }
    }
}
