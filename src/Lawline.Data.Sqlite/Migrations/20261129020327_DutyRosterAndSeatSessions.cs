using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DutyRosterAndSeatSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DutyRoster",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    SeatId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Start = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    End = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DutyRoster", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DutyRoster_Agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "Agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DutyRoster_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DutyRoster_Seats_SeatId",
                        column: x => x.SeatId,
                        principalTable: "Seats",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SeatSessions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    SeatId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentId = table.Column<int>(type: "INTEGER", nullable: false),
                    SignedInAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SignedOutAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RosterEntryId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SeatSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SeatSessions_Agents_AgentId",
                        column: x => x.AgentId,
                        principalTable: "Agents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SeatSessions_DutyRoster_RosterEntryId",
                        column: x => x.RosterEntryId,
                        principalTable: "DutyRoster",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_SeatSessions_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SeatSessions_Seats_SeatId",
                        column: x => x.SeatId,
                        principalTable: "Seats",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DutyRoster_AgentId_Date",
                table: "DutyRoster",
                columns: new[] { "AgentId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_DutyRoster_PlatformId_Date",
                table: "DutyRoster",
                columns: new[] { "PlatformId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_DutyRoster_SeatId",
                table: "DutyRoster",
                column: "SeatId");

            migrationBuilder.CreateIndex(
                name: "IX_SeatSessions_AgentId_SignedOutAt",
                table: "SeatSessions",
                columns: new[] { "AgentId", "SignedOutAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SeatSessions_PlatformId_SignedInAt",
                table: "SeatSessions",
                columns: new[] { "PlatformId", "SignedInAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SeatSessions_RosterEntryId",
                table: "SeatSessions",
                column: "RosterEntryId");

            migrationBuilder.CreateIndex(
                name: "IX_SeatSessions_SeatId_SignedOutAt",
                table: "SeatSessions",
                columns: new[] { "SeatId", "SignedOutAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SeatSessions");

            migrationBuilder.DropTable(
                name: "DutyRoster");
        }
    }
}
