using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CallerLeg = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SipCallId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CallerNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CallerProvince = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CallerCity = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    DialedNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ArrivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IvrPath = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    SkillCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    OfferedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    OfferCount = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentId = table.Column<int>(type: "INTEGER", nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AbandonedIn = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    AbandonedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Transfers = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    TalkEndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    WrapUpEndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Rating = table.Column<string>(type: "TEXT", maxLength: 24, nullable: true),
                    RatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RecordingPath = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndCause = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CallerHungUpFirst = table.Column<bool>(type: "INTEGER", nullable: true),
                    WorkOrderId = table.Column<int>(type: "INTEGER", nullable: true)
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
