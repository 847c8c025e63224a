using Lawline.Server;
using Lawline.Server.Agents;
using Lawline.Server.Analytics;
using Lawline.Server.Callers;
using Lawline.Server.Commendations;
using Lawline.Server.Complaints;
using Lawline.Server.Components;
using Lawline.Server.Data;
using Lawline.Server.Demo;
using Lawline.Server.Knowledge;
using Lawline.Server.Platforms;
using Lawline.Server.Security;
using Lawline.Server.Sms;
using Lawline.Server.SelfService;
using Lawline.Server.Taxonomy;
using Lawline.Server.Routing;
using Lawline.Server.Routing.Ivr;
using Lawline.Server.Routing.Live;
using Lawline.Server.Satisfaction;
using Lawline.Server.Telephony;
using Lawline.Server.WorkOrders;

var command = HostCommands.Parse(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = command.HostArgs,
    // Settings files and static assets live beside the binaries, wherever the process was started from.
    ContentRootPath = AppContext.BaseDirectory,
});
// Serves library assets (MudBlazor, the Blazor script) from the build output in every environment, not only
// in Development; a published app has them in wwwroot and this is a no-op there.
builder.WebHost.UseStaticWebAssets();

builder.AddLawlineHost();
builder.AddLawlineDatabase();
builder.AddLawlineSecurity();
builder.AddPlatforms();
builder.AddAgents();
builder.AddCallers();
builder.AddTaxonomy();
builder.AddWorkOrders();
builder.AddKnowledge();
builder.AddSelfService();
builder.AddTelephony();
builder.AddIvr();
builder.AddCallRouting();
builder.AddRoutingHub();
builder.AddSms();
builder.AddSatisfaction();
builder.AddAnalytics();
builder.AddComplaints();
builder.AddCommendations();
builder.AddDemo();
builder.AddLawlineUi();

await using var app = builder.Build();

if (command.Name is not null)
{
    return await HostCommands.RunAsync(app, command);
}

app.UseLawlineHost();
app.MapLawlineHost();
app.MapLawlineSecurity();
app.MapPlatforms();
app.MapDutyRoster();
app.MapAgents();
app.MapCallers();
app.MapTaxonomy();
app.MapWorkOrders();
app.MapKnowledge();
app.MapSelfService();
app.MapTelephony();
app.MapIvr();
app.MapRouting();
app.MapRoutingHub();
app.MapSms();
app.MapSatisfaction();
app.MapAnalytics();
app.MapComplaints();
app.MapCommendations();
app.MapLawlineUi();

await app.RunAsync();
return 0;

public partial class Program;
