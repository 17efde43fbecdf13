using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Problems;

namespace Upres.Service.Jobs;

/// A job's plan is the engine's (OutputPlanner, the code its run plans with): this only turns the
/// spec into the engine's request, the engine's refusals into the service's codes, and adds the
/// service's own output limit.
public static class JobPlanning
{
    /// The plan stored with the job and priced from, or a ServiceException with a stable code.
    public static PlannedOutput Plan(JobSpec spec, MediaInfo probe)
    {
        PlannedOutput plan;
        try
        {
            plan = OutputPlanner.Plan(spec.ToUpscaleRequest(InputName, OutputName(spec), probe), probe);
        }
        catch (UpscaleException e)
        {
            throw new ServiceException(ErrorFor(e));
        }

        if (!VideoSizeLimit.Fits(plan.Width, plan.Height))
        {
            throw new ServiceException(Errors.MediaLimit($"The output would be {plan.Width}x{plan.Height}; the limit is 8K ({VideoSizeLimit.Text})."));
        }

        return plan;
    }

    /// The engine's refusals that need no input (the codec/container pair, option ranges), made at
    /// create for every input, before anything is fetched or reserved.
    public static void Check(JobSpec spec)
    {
        try
        {
            OutputPlanner.Check(spec.ToUpscaleRequest(InputName, OutputName(spec)));
        }
        catch (UpscaleException e)
        {
            throw new ServiceException(ErrorFor(e));
        }
    }

    // Planning reads no file: the names only let the engine's request checks run.
    private const string InputName = "input";

    private static string OutputName(JobSpec spec) => "output" + spec.FileExtension;

    private static ServiceError ErrorFor(UpscaleException e) => e.Code switch
    {
        UpscaleErrorCodes.UnsupportedContainerCodec => Errors.UnsupportedContainerCodec(Sentence(e.Message)),
        UpscaleErrorCodes.VariableFrameRate => Errors.VariableFrameRate(Sentence(e.Message)),
        // A trim that starts after the end is the request's fault, as the service has always said it.
        UpscaleErrorCodes.InvalidRequest or UpscaleErrorCodes.UnsupportedContainer or UpscaleErrorCodes.NoFrames => Errors.Validation(Sentence(e.Message)),
        UpscaleErrorCodes.NoVideoStream => Errors.UnsupportedMedia("The input has no video stream."),
        _ => Errors.UnsupportedMedia($"{e.Code}: {Sentence(e.Message)}"),
    };

    private static string Sentence(string message) => message.EndsWith('.') ? message : message + ".";
}
