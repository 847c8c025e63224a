using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CallDayStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    SkillCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AgentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Inbound = table.Column<int>(type: "INTEGER", nullable: false),
                    Requests = table.Column<int>(type: "INTEGER", nullable: false),
                    Answered = table.Column<int>(type: "INTEGER", nullable: false),
                    AnsweredInTarget = table.Column<int>(type: "INTEGER", nullable: false),
                    Abandoned = table.Column<int>(type: "INTEGER", nullable: false),
                    CallbackRequests = table.Column<int>(type: "INTEGER", nullable: false),
                    WaitSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    TalkSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    Talked = table.Column<int>(type: "INTEGER", nullable: false),
                    WrapSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    WrappedUp = table.Column<int>(type: "INTEGER", nullable: false),
                    Rated = table.Column<int>(type: "INTEGER", nullable: false),
                    Satisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    BasicallySatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Dissatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    RepeatCalls = table.Column<int>(type: "INTEGER", nullable: false),
                    OutOfRegion = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionKnown = table.Column<int>(type: "INTEGER", nullable: false),
                    Outbound = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallDayStats", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallHourStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Hour = table.Column<int>(type: "INTEGER", nullable: false),
                    Inbound = table.Column<int>(type: "INTEGER", nullable: false),
                    Answered = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallHourStats", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CallRegionStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Province = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    City = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Inbound = table.Column<int>(type: "INTEGER", nullable: false),
                    Answered = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallRegionStats", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RollupMarks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupMarks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkOrderDayStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Completed = table.Column<int>(type: "INTEGER", nullable: false),
                    CompletedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstContactResolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Referred = table.Column<int>(type: "INTEGER", nullable: false),
                    HandedOver = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<int>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    Rated = table.Column<int>(type: "INTEGER", nullable: false),
                    Satisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    BasicallySatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Dissatisfied = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkOrderDayStats", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkOrderRegionStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Province = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    City = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CallerType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkOrderRegionStats", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CallDayStats_Day",
                table: "CallDayStats",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_CallDayStats_PlatformId_Day_SkillCode_AgentId",
                table: "CallDayStats",
                columns: new[] { "PlatformId", "Day", "SkillCode", "AgentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CallHourStats_PlatformId_Day_Hour",
                table: "CallHourStats",
                columns: new[] { "PlatformId", "Day", "Hour" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CallRegionStats_PlatformId_Day_Province_City",
                table: "CallRegionStats",
                columns: new[] { "PlatformId", "Day", "Province", "City" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RollupMarks_PlatformId_Day",
                table: "RollupMarks",
                columns: new[] { "PlatformId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkOrderDayStats_PlatformId_Day_CategoryCode_Channel_Type",
                table: "WorkOrderDayStats",
                columns: new[] { "PlatformId", "Day", "CategoryCode", "Channel", "Type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkOrderRegionStats_PlatformId_Day_Province_City_CallerType",
                table: "WorkOrderRegionStats",
                columns: new[] { "PlatformId", "Day", "Province", "City", "CallerType" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallDayStats");

            migrationBuilder.DropTable(
                name: "CallHourStats");

            migrationBuilder.DropTable(
                name: "CallRegionStats");

            migrationBuilder.DropTable(
                name: "RollupMarks");

            migrationBuilder.DropTable(
                name: "WorkOrderDayStats");

            migrationBuilder.DropTable(
                name: "WorkOrderRegionStats");
        }
    }
}
