using System.Net;
using Lawline.Server.Data;
using Lawline.Server.Tests.Infrastructure;

namespace Lawline.Server.Tests;

public sealed class HostSetupTests(SharedInstallations installations) : IClassFixture<SharedInstallations>
{
    [Theory, DatabaseData]
    public async Task Health_answers_200_without_credentials(DatabaseProvider provider)
    {
        var factory = await installations.GetAsync(provider);
        using var anonymous = factory.Anonymous();

        var response = await anonymous.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
