using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MonitoringAndHotTopics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MonitoringAlerts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubjectKey = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Value = table.Column<int>(type: "INTEGER", nullable: false),
                    Baseline = table.Column<double>(type: "REAL", nullable: false),
                    WindowDays = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AssigneeUserId = table.Column<int>(type: "INTEGER", nullable: true),
                    AssigneeName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FollowUpNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    FollowedUpAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClosedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CallRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    Link = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringAlerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonitoringSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    RepeatCalls = table.Column<int>(type: "INTEGER", nullable: false),
                    RepeatWindowDays = table.Column<int>(type: "INTEGER", nullable: false),
                    SurgeRatio = table.Column<double>(type: "REAL", nullable: false),
                    SurgeMinimum = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SavedTopics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Terms = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedTopics", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TermDayStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Term = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Orders = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TermDayStats", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MonitoringAlerts_PlatformId_Kind_SubjectKey_CreatedAt",
                table: "MonitoringAlerts",
                columns: new[] { "PlatformId", "Kind", "SubjectKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MonitoringAlerts_PlatformId_Status_CreatedAt",
                table: "MonitoringAlerts",
                columns: new[] { "PlatformId", "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MonitoringSettings_PlatformId",
                table: "MonitoringSettings",
                column: "PlatformId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SavedTopics_PlatformId",
                table: "SavedTopics",
                column: "PlatformId");

            migrationBuilder.CreateIndex(
                name: "IX_TermDayStats_PlatformId_Day_Term",
                table: "TermDayStats",
                columns: new[] { "PlatformId", "Day", "Term" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TermDayStats_PlatformId_Term_Day",
                table: "TermDayStats",
                columns: new[] { "PlatformId", "Term", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MonitoringAlerts");

            migrationBuilder.DropTable(
                name: "MonitoringSettings");

            migrationBuilder.DropTable(
                name: "SavedTopics");

            migrationBuilder.DropTable(
                name: "TermDayStats");
        }
    }
}
