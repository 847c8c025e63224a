using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddCallRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CallRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CallerLeg = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SipCallId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    CallerNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CallerProvince = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CallerCity = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    DialedNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ArrivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IvrPath = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    SkillCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OfferedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OfferCount = table.Column<int>(type: "integer", nullable: false),
                    AgentId = table.Column<int>(type: "integer", nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AbandonedIn = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    AbandonedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Transfers = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    TalkEndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    WrapUpEndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Rating = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    RatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RecordingPath = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndCause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CallerHungUpFirst = table.Column<bool>(type: "boolean", nullable: true),
                    WorkOrderId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CallRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CallRecords_Platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "Platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CallRecords_CallerLeg",
                table: "CallRecords",
                column: "CallerLeg");

            migrationBuilder.CreateIndex(
                name: "IX_CallRecords_PlatformId_ArrivedAt",
                table: "CallRecords",
                columns: new[] { "PlatformId", "ArrivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CallRecords_PlatformId_CallerNumber_ArrivedAt",
                table: "CallRecords",
                columns: new[] { "PlatformId", "CallerNumber", "ArrivedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CallRecords");
        }
    }
}
