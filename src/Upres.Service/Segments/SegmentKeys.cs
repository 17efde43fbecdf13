using System.Globalization;

namespace Upres.Service.Segments;

/// Where a split job's shared files live on the storage root: beside its result, so deleting the
/// job or its retention removes them too.
public static class SegmentKeys
{
    public static string Folder(string jobId) => $"results/{jobId}/segments";

    public static string Timeline(string jobId) => $"{Folder(jobId)}/timeline.json";

    public static string Segment(string jobId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Folder(jobId)}/{index:D5}.mkv");
}
