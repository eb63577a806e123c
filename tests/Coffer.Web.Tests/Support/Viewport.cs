namespace Coffer.Web.Tests.Support;

/// <summary>The two screens every page must work on (issue 6): a laptop and a phone.</summary>
public sealed record Viewport(string Name, int Width, int Height, bool Mobile)
{
    public static Viewport Desktop { get; } = new("desktop", 1440, 900, Mobile: false);

    /// <summary>A 390×844 phone (iPhone 12–14 class): mobile meta viewport honoured, touch events.</summary>
    public static Viewport Phone { get; } = new("phone", 390, 844, Mobile: true);

    public static Viewport Named(string name) => name == Phone.Name ? Phone : name == Desktop.Name ? Desktop : throw new ArgumentOutOfRangeException(nameof(name));

    public override string ToString() => $"{Name} {Width}×{Height}";
}
