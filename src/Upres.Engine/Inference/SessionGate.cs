namespace Upres.Engine.Inference;

/// Counts the calls in flight on a native session so that Dispose never frees it under a run:
/// Close marks it closed and the release runs when the last call leaves (at once if none is in).
internal sealed class SessionGate
{
    private const int Closed = 1;
    private const int OneCall = 2;
    private int _state;
    private Action? _release;

    public Scope Enter()
    {
        EnterCall();
        return new Scope(this);
    }

    public void EnterCall()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            ObjectDisposedException.ThrowIf((state & Closed) != 0, this);
            if (Interlocked.CompareExchange(ref _state, state + OneCall, state) == state)
            {
                return;
            }
        }
    }

    public void Close(Action release)
    {
        Volatile.Write(ref _release, release);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & Closed) != 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, state | Closed, state) == state)
            {
                if (state == 0)
                {
                    release();
                }

                return;
            }
        }
    }

    /// Leaves a call entered with Enter (for callers that cannot hold the Scope).
    public void Exit()
    {
        if (Interlocked.Add(ref _state, -OneCall) == Closed)
        {
            Volatile.Read(ref _release)?.Invoke();
        }
    }

    public readonly struct Scope(SessionGate gate) : IDisposable
    {
        public void Dispose() => gate.Exit();
    }
}
