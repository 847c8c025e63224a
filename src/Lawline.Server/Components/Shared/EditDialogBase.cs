using Lawline.Server.Resources;
using Lawline.Server.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Lawline.Server.Components.Shared;

/// <summary>
/// A create/edit dialog: checks the request, saves it in a scope of its own acting as the signed-in user,
/// and closes with the saved record, or stays open with the messages beside the fields and everything the
/// user typed still there.
/// </summary>
public abstract class EditDialogBase : ComponentBase
{
    [CascadingParameter]
    protected IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    protected UserScopes Scopes { get; set; } = default!;

    [Inject]
    protected IStringLocalizer<UiText> Text { get; set; } = default!;

    protected FormErrors Errors { get; } = new();

    protected bool Saving { get; private set; }

    /// <param name="request">The request record; its data annotations are checked before anything is sent.</param>
    /// <param name="save">The service call, given a fresh operation scope.</param>
    /// <param name="check">Checks the record cannot express (a platform chosen, two passwords equal...).</param>
    protected async Task SubmitAsync<T>(object request, Func<UserOperation, Task<T>> save, Action<FormErrors>? check = null)
    {
        Errors.Clear();
        check?.Invoke(Errors);
        RequestValidator.Validate(request, Errors, Text);
        if (Errors.Any)
        {
            return;
        }
        Saving = true;
        try
        {
            await using var operation = await Scopes.BeginAsync();
            var saved = await save(operation);
            Dialog.Close(DialogResult.Ok(saved));
        }
        catch (Exception exception)
        {
            if (!Errors.Capture(exception, Text))
            {
                throw;
            }
        }
        finally
        {
            Saving = false;
        }
    }

    protected void Cancel() => Dialog.Cancel();
}
