using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Common;

/// <summary>
/// Maps exceptions to RFC 9457 problem details. User mistakes (bad JSON, broken rules, unknown records)
/// become 4xx with a message a person can act on; only genuine faults are 500s.
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            ValidationFailedException v => new HttpValidationProblemDetails(v.Errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
            },
            ConflictException c => WithField(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = c.Message,
            }, c.Field, c.Message),
            DomainException d => WithField(new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request breaks a rule.",
                Detail = d.Message,
            }, d.Field, d.Message),
            NotFoundException n => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not found",
                Detail = n.Message,
            },
            BadHttpRequestException b => new ProblemDetails
            {
                Status = b.StatusCode,
                Title = "The request could not be read.",
                Detail = b.InnerException?.Message ?? b.Message,
            },
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "The record was changed by someone else; reload it and try again.",
            },
            _ when IsTextPostgresCannotStore(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request could not be read.",
                Detail = "Text must not contain NUL (\\u0000) characters.",
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled request failure");
        }
        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    // PostgreSQL refuses NUL characters in text (SQLSTATE 22021), whether in a value written or a query parameter.
    private static bool IsTextPostgresCannotStore(Exception exception)
        => (exception as Npgsql.PostgresException ?? exception.InnerException as Npgsql.PostgresException)?.SqlState
            == Npgsql.PostgresErrorCodes.CharacterNotInRepertoire;

    private static ProblemDetails WithField(ProblemDetails problem, string? field, string message)
    {
        if (field is null)
        {
            return problem;
        }
        var validation = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = problem.Status,
            Title = problem.Title,
            Detail = problem.Detail,
        };
        return validation;
    }
}
