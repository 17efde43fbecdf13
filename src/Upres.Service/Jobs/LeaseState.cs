namespace Upres.Service.Jobs;

/// What a heartbeat learns: whether this worker still holds the job and whether a cancel was asked.
public enum LeaseState { Held, CancelRequested, Lost }
