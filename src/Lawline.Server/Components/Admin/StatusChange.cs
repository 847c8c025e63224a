namespace Lawline.Server.Components.Admin;

/// <summary>The admission changes that need a reason.</summary>
public enum StatusChange
{
    Suspend,
    Exit,
}
