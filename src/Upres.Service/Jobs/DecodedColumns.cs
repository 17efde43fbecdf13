using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Service.Jobs;

/// A job row's JSON columns decoded once per distinct text: a polled job reads the same spec, input,
/// probe and plan on every GET, and decoding them was a tenth of its CPU. Keyed by the text itself,
/// so nothing can go stale (another node's change is another text) and the decoded records, all
/// immutable, are shared safely. Each memo holds at most Capacity texts and starts over when full.
internal static class DecodedColumns
{
    public static readonly Memo<JobSpec> Spec = new(JobRowJson.Default.JobSpec);
    public static readonly Memo<JobInput> Input = new(JobRowJson.Default.JobInput);
    public static readonly Memo<MediaInfo> Probe = new(JobRowJson.Default.MediaInfo);
    public static readonly Memo<PlannedOutput> Plan = new(JobRowJson.Default.PlannedOutput);
    public static readonly Memo<JobResult> Result = new(JobRowJson.Default.JobResult);

    internal sealed class Memo<T>(JsonTypeInfo<T> type) where T : class
    {
        public const int Capacity = 2048;
        private readonly ConcurrentDictionary<string, T> _byText = new(StringComparer.Ordinal);
        private int _count;

        public T Decode(string json)
        {
            if (_byText.TryGetValue(json, out var value))
            {
                return value;
            }

            value = JsonSerializer.Deserialize(json, type) ?? throw new JsonException($"a stored {typeof(T).Name} is null");
            if (Interlocked.Increment(ref _count) > Capacity)
            {
                _byText.Clear();
                Interlocked.Exchange(ref _count, 1);
            }

            _byText.TryAdd(json, value);
            return value;
        }
    }
}
