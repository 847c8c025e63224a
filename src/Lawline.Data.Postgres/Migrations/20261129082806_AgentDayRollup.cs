using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentDayRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgentDayStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    AgentId = table.Column<int>(type: "integer", nullable: false),
                    SeatId = table.Column<int>(type: "integer", nullable: false),
                    WorkOrdersCreated = table.Column<int>(type: "integer", nullable: false),
                    WorkOrdersCompleted = table.Column<int>(type: "integer", nullable: false),
                    CompletedOnTime = table.Column<int>(type: "integer", nullable: false),
                    SignedInSeconds = table.Column<long>(type: "bigint", nullable: false),
                    Sessions = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentDayStats", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgentDayStats_PlatformId_Day_AgentId_SeatId",
                table: "AgentDayStats",
                columns: new[] { "PlatformId", "Day", "AgentId", "SeatId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentDayStats");
        }
    }
}
