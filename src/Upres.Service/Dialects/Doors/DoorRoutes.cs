using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Upres.Service.Dialects;

public static class DoorRoutes
{
    /// The door's route group: its base path, its key reader and its error shape, in one place.
    public static RouteGroupBuilder MapDoor(this IEndpointRouteBuilder app, Door door) =>
        app.MapGroup(door.BasePath)
            .AddEndpointFilter(new DoorFilter(door))
            .WithTags($"Dialect: {door.Name}")
            .ExcludeFromDescription();
}
