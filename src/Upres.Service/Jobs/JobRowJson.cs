using System.Text.Json;
using System.Text.Json.Serialization;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Service.Jobs;

/// The JSON columns of a job row (PascalCase, System.Text.Json's defaults, as they have always been
/// stored), generated at build time: every GET of a job reads four of them.
[JsonSourceGenerationOptions(JsonSerializerDefaults.General)]
[JsonSerializable(typeof(JobSpec))]
[JsonSerializable(typeof(JobInput))]
[JsonSerializable(typeof(PlannedOutput))]
[JsonSerializable(typeof(JobResult))]
[JsonSerializable(typeof(MediaInfo))]
internal sealed partial class JobRowJson : JsonSerializerContext;
