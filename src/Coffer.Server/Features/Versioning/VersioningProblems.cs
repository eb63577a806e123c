namespace Coffer.Server.Problems;

/// <summary>The problem types of API versioning.</summary>
internal sealed partial record ProblemType
{
    /// <summary>A deprecated endpoint past its sunset (RFC 8594 §1: the resource is expected to become unresponsive; 410 says it is for good).</summary>
    public static readonly ProblemType Gone = new("gone", 410, "This endpoint has been retired; its successor is named in the detail and the Link field.");
}
