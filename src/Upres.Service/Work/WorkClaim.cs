namespace Upres.Service.Work;

/// One unit of work taken under a lease: Token is the fencing token every write of the holder
/// carries; a write whose token is no longer the unit's changes nothing.
public sealed record WorkClaim(string Kind, string UnitId, string JobId, string Token, int Attempt);
