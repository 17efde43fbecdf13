namespace Upres.Service.Problems;

/// Thrown where a refusal is found deep inside a call chain; endpoint code turns it into a problem.
public sealed class ServiceException(ServiceError error) : Exception(error.Detail ?? error.Title)
{
    public ServiceError Error { get; } = error;
}
