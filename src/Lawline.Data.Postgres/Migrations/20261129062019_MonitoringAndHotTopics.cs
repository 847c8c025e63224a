using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SubjectKey = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    Subject = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Value = table.Column<int>(type: "integer", nullable: false),
                    Baseline = table.Column<double>(type: "double precision", nullable: false),
                    WindowDays = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AssigneeUserId = table.Column<int>(type: "integer", nullable: true),
                    AssigneeName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FollowUpNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    FollowedUpAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CallRecordId = table.Column<long>(type: "bigint", nullable: true),
                    Link = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringAlerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonitoringSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    RepeatCalls = table.Column<int>(type: "integer", nullable: false),
                    RepeatWindowDays = table.Column<int>(type: "integer", nullable: false),
                    SurgeRatio = table.Column<double>(type: "double precision", nullable: false),
                    SurgeMinimum = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SavedTopics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Terms = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedTopics", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TermDayStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Orders = table.Column<int>(type: "integer", nullable: false)
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
