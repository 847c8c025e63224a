using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CallFlowStateAndCallbacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RatedAt",
                table: "WorkOrders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Rating",
                table: "WorkOrders",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AnsweredOnMobile",
                table: "CallRecords",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "AnsweredReason",
                table: "CallRecords",
                type: "TEXT",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CallbackTaskId",
                table: "CallRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Priority",
                table: "CallRecords",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "VoicemailAt",
                table: "CallRecords",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RemoteSeat",
                table: "Agents",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "AgentStateLogs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentId = table.Column<int>(type: "INTEGER", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    CallId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CallerNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CallRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    SkillCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Urgent = table.Column<bool>(type: "INTEGER", nullable: false),
                    Requests = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedByCallRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedByAgentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
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
