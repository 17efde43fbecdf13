using Microsoft.Extensions.Options;

namespace Upres.Service.Jobs;

/// Counts the event streams each API key holds open in this process.
public sealed class EventStreamSlots(IOptions<JobEventOptions> options)
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Limit => options.Value.StreamsPerKey;

    /// A slot for one more stream of the key (by its hash), or null when it holds the limit already.
    /// Dispose the slot when the stream ends.
    public IDisposable? TryTake(string keyHash)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(keyHash);
            if (open >= Limit)
            {
                return null;
            }

            _open[keyHash] = open + 1;
        }

        return new Slot(this, keyHash);
    }

    private void Give(string keyHash)
    {
        lock (_gate)
        {
            if (--_open[keyHash] == 0)
            {
                _open.Remove(keyHash);
            }
        }
    }

    private sealed class Slot(EventStreamSlots owner, string keyHash) : IDisposable
    {
        private int _given;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0)
            {
                owner.Give(keyHash);
            }
        }
    }
}
