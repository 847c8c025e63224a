using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WorkOrderChannelIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_WorkOrders_PlatformId_Channel_CreatedAt_AgentId_Rating_Id",
                table: "WorkOrders",
                columns: new[] { "PlatformId", "Channel", "CreatedAt", "AgentId", "Rating", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkOrders_PlatformId_Channel_CreatedAt_AgentId_Rating_Id",
                table: "WorkOrders");
        }
    }
}
