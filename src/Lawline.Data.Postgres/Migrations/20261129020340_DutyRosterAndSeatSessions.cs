using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    SeatId = table.Column<int>(type: "integer", nullable: false),
                    AgentId = table.Column<int>(type: "integer", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Start = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    End = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    Note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    SeatId = table.Column<int>(type: "integer", nullable: false),
                    AgentId = table.Column<int>(type: "integer", nullable: false),
                    SignedInAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SignedOutAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RosterEntryId = table.Column<int>(type: "integer", nullable: true)
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
