using Lawline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lawline.Server.Complaints;

/// <summary>Complaints (投诉): registration, investigation log, reply, finding, and counts per lawyer.</summary>
public static class ComplaintsFeature
{
    public static IHostApplicationBuilder AddComplaints(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComplaintOptions>().BindConfiguration(ComplaintOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ComplaintService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapComplaints(this IEndpointRouteBuilder app)
    {
        // Anyone signed in may register a complaint a caller makes; following it up is the supervisors' job.
        var group = app.MapGroup("/api/complaints").WithTags("Complaints");
        group.MapPost("/", async Task<Created<ComplaintDto>> (RegisterComplaintRequest request, ComplaintService service, CancellationToken ct) =>
        {
            var complaint = await service.RegisterAsync(request, ct);
            return TypedResults.Created($"/api/complaints/{complaint.WorkOrderId}", complaint);
        }).WithSummary("Register a complaint: a new Complaint work order with its investigation, or the investigation of an existing Complaint order");
        var supervised = group.MapGroup("/").RequireAuthorization(LawlineRoles.SuperviseCallsPolicy);
        supervised.MapGet("/", async ([AsParameters] ComplaintQuery query, ComplaintService service, CancellationToken ct)
            => TypedResults.Ok(await service.ListAsync(query, ct)))
            .WithSummary("Complaints, open first by reply deadline; filters: open, reply overdue, against a lawyer, platform");
        supervised.MapGet("/against-agents", async (DateTimeOffset? from, DateTimeOffset? to, int? platformId, ComplaintService service, CancellationToken ct)
            => TypedResults.Ok(await service.CountsPerAgentAsync(from, to, platformId, ct)))
            .WithSummary("Per lawyer: complaints, substantiated ones, and those counting against the assessment");
        supervised.MapGet("/{workOrderId:int}", async (int workOrderId, ComplaintService service, CancellationToken ct)
            => TypedResults.Ok(await service.GetAsync(workOrderId, ct)));
        supervised.MapPost("/{workOrderId:int}/notes", async (int workOrderId, ComplaintNoteRequest request, ComplaintService service, CancellationToken ct)
            => TypedResults.Ok(await service.AddNoteAsync(workOrderId, request, ct))).WithSummary("Add a line to the investigation log");
        supervised.MapPost("/{workOrderId:int}/reply", async (int workOrderId, ComplaintReplyRequest request, ComplaintService service, CancellationToken ct)
            => TypedResults.Ok(await service.ReplyAsync(workOrderId, request, ct))).WithSummary("Record the reply given to the complainant");
        supervised.MapPost("/{workOrderId:int}/finding", async (int workOrderId, ComplaintFindingRequest request, ComplaintService service, CancellationToken ct)
            => TypedResults.Ok(await service.RecordFindingAsync(workOrderId, request, ct)))
            .WithSummary("Record the finding (after the reply, or with a reason); this closes the investigation");
        return app;
    }
}
