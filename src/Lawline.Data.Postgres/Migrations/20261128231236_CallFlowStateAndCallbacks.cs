using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CallFlowStateAndCallbacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RatedAt",
                table: "WorkOrders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Rating",
                table: "WorkOrders",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AnsweredOnMobile",
                table: "CallRecords",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "AnsweredReason",
                table: "CallRecords",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CallbackTaskId",
                table: "CallRecords",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Priority",
                table: "CallRecords",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "VoicemailAt",
                table: "CallRecords",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RemoteSeat",
                table: "Agents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "AgentStateLogs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    AgentId = table.Column<int>(type: "integer", nullable: false),
                    From = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    To = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CallId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentStateLogs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentStateLogs_Agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "Agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AgentStateLogs_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CallbackTasks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CallerNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CallRecordId = table.Column<long>(type: "bigint", nullable: true),
                    SkillCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Urgent = table.Column<bool>(type: "boolean", nullable: false),
                    Requests = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedByCallRecordId = table.Column<long>(type: "bigint", nullable: true),
                    CompletedByAgentId = table.Column<int>(type: "integer", nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallbackTasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CallbackTasks_CallRecords_CallRecordId",
                        column: x => x.CallRecordId,
                        principalTable: "CallRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CallbackTasks_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgentStateLogs_AgentId_At",
                table: "AgentStateLogs",
                columns: new[] { "AgentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentStateLogs_PlatformId_At",
                table: "AgentStateLogs",
                columns: new[] { "PlatformId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CallbackTasks_CallRecordId",
                table: "CallbackTasks",
                column: "CallRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_CallbackTasks_PlatformId_CallerNumber_Status",
                table: "CallbackTasks",
                columns: new[] { "PlatformId", "CallerNumber", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CallbackTasks_PlatformId_Status_CreatedAt",
                table: "CallbackTasks",
                columns: new[] { "PlatformId", "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentStateLogs");

            migrationBuilder.DropTable(
                name: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "RatedAt",
                table: "WorkOrders");

            migrationBuilder.DropColumn(
                name: "Rating",
                table: "WorkOrders");

            migrationBuilder.DropColumn(
                name: "AnsweredOnMobile",
                table: "CallRecords");

            migrationBuilder.DropColumn(
                name: "AnsweredReason",
                table: "CallRecords");

            migrationBuilder.DropColumn(
                name: "CallbackTaskId",
                table: "CallRecords");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "CallRecords");

            migrationBuilder.DropColumn(
                name: "VoicemailAt",
                table: "CallRecords");

            migrationBuilder.DropColumn(
                name: "RemoteSeat",
                table: "Agents");
        }
    }
}
