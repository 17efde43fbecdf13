namespace Upres.Service.Dialects;

/// The service's job states, as the dialects see them; each dialect renders them in its own words.
public enum DialectJobState { Queued, Processing, Completed, Failed, Cancelled }
