using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CallbackFollowUp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AssignedUserId",
                table: "CallbackTasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "CallerSatisfied",
                table: "CallbackTasks",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CloseReason",
                table: "CallbackTasks",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ComplaintWorkOrderId",
                table: "CallbackTasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EscalatedAt",
                table: "CallbackTasks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EscalatedToUserId",
                table: "CallbackTasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "CallbackTasks",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReopenCount",
                table: "CallbackTasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "WorkOrderId",
                table: "CallbackTasks",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CallbackAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    TaskId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UserId = table.Column<int>(type: "integer", nullable: true),
                    CallRecordId = table.Column<long>(type: "bigint", nullable: true),
                    Result = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallbackAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CallbackAttempts_CallRecords_CallRecordId",
                        column: x => x.CallRecordId,
                        principalTable: "CallRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CallbackAttempts_CallbackTasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "CallbackTasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CallbackAttempts_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CallbackRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Ratings = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DeadlineWorkingDays = table.Column<int>(type: "integer", nullable: false),
                    MaxAttempts = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallbackRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CallbackRules_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SatisfactionRatings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    CallRecordId = table.Column<long>(type: "bigint", nullable: true),
                    WorkOrderId = table.Column<int>(type: "integer", nullable: true),
                    AgentId = table.Column<int>(type: "integer", nullable: true),
                    Rating = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReasonTags = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SupersededAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SatisfactionRatings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SatisfactionRatings_CallRecords_CallRecordId",
                        column: x => x.CallRecordId,
                        principalTable: "CallRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SatisfactionRatings_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CallbackTasks_PlatformId_AssignedUserId_Status",
                table: "CallbackTasks",
                columns: new[] { "PlatformId", "AssignedUserId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CallbackAttempts_CallRecordId",
                table: "CallbackAttempts",
                column: "CallRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_CallbackAttempts_PlatformId",
                table: "CallbackAttempts",
                column: "PlatformId");

            migrationBuilder.CreateIndex(
                name: "IX_CallbackAttempts_TaskId_At",
                table: "CallbackAttempts",
                columns: new[] { "TaskId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CallbackRules_PlatformId",
                table: "CallbackRules",
                column: "PlatformId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SatisfactionRatings_CallRecordId",
                table: "SatisfactionRatings",
                column: "CallRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_SatisfactionRatings_PlatformId_At",
                table: "SatisfactionRatings",
                columns: new[] { "PlatformId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SatisfactionRatings_WorkOrderId",
                table: "SatisfactionRatings",
                column: "WorkOrderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallbackAttempts");

            migrationBuilder.DropTable(
                name: "CallbackRules");

            migrationBuilder.DropTable(
                name: "SatisfactionRatings");

            migrationBuilder.DropIndex(
                name: "IX_CallbackTasks_PlatformId_AssignedUserId_Status",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "AssignedUserId",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "CallerSatisfied",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "CloseReason",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "ComplaintWorkOrderId",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "EscalatedAt",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "EscalatedToUserId",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "ReopenCount",
                table: "CallbackTasks");

            migrationBuilder.DropColumn(
                name: "WorkOrderId",
                table: "CallbackTasks");
        }
    }
}
