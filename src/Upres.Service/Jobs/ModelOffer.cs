namespace Upres.Service.Jobs;

/// A model or preset as GET /v1/models lists it.
public sealed record ModelOffer(string Name, string Kind, IReadOnlyList<int> Scales, string Description, string GoodFor, string? Model = null);
