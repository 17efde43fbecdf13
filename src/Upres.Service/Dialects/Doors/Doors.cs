using Microsoft.AspNetCore.Http;
using Upres.Service.Dialects.HitPaw;
using Upres.Service.Dialects.KieAi;
using Upres.Service.Dialects.Kokoon;
using Upres.Service.Dialects.Mingyan;

namespace Upres.Service.Dialects;

/// The four doors. Each is declared beside its dialect; this is only the list.
public static class Doors
{
    public static IReadOnlyList<Door> All { get; } = [MingyanDialect.Door, KokoonDialect.Door, KieDialect.Door, HitPawDialect.Door];

    /// The door whose error scope holds this path, or null for the native API and the rest.
    public static Door? ForPath(PathString path) => All.FirstOrDefault(d => d.Owns(path));
}
