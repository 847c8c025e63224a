using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PlatformDayTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PlatformDayStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
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
                    Outbound = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkOrdersCreated = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkOrdersCompleted = table.Column<int>(type: "INTEGER", nullable: false),
                    CompletedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstContactResolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Referred = table.Column<int>(type: "INTEGER", nullable: false),
                    HandedOver = table.Column<int>(type: "INTEGER", nullable: false),
                    OtherChannelCreated = table.Column<int>(type: "INTEGER", nullable: false),
                    OtherChannelSatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    OtherChannelBasicallySatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    OtherChannelDissatisfied = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlatformDayStats", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PlatformDayStats_PlatformId_Day",
                table: "PlatformDayStats",
                columns: new[] { "PlatformId", "Day" },
                unique: true);
        
            // Installations that already have rollups get their day totals from them (the same sums the builder makes).
            migrationBuilder.Sql(@"INSERT INTO ""PlatformDayStats"" (""PlatformId"", ""Day"", ""Inbound"", ""Requests"", ""Answered"", ""AnsweredInTarget"", ""Abandoned"", ""CallbackRequests"", ""WaitSeconds"", ""TalkSeconds"", ""Talked"", ""WrapSeconds"", ""WrappedUp"", ""Rated"", ""Satisfied"", ""BasicallySatisfied"", ""Dissatisfied"", ""RepeatCalls"", ""OutOfRegion"", ""RegionKnown"", ""Outbound"", ""WorkOrdersCreated"", ""WorkOrdersCompleted"", ""CompletedOnTime"", ""FirstContactResolved"", ""Referred"", ""HandedOver"", ""OtherChannelCreated"", ""OtherChannelSatisfied"", ""OtherChannelBasicallySatisfied"", ""OtherChannelDissatisfied"") SELECT k.""PlatformId"", k.""Day"", COALESCE(c.""Inbound"", 0), COALESCE(c.""Requests"", 0), COALESCE(c.""Answered"", 0), COALESCE(c.""AnsweredInTarget"", 0), COALESCE(c.""Abandoned"", 0), COALESCE(c.""CallbackRequests"", 0), COALESCE(c.""WaitSeconds"", 0), COALESCE(c.""TalkSeconds"", 0), COALESCE(c.""Talked"", 0), COALESCE(c.""WrapSeconds"", 0), COALESCE(c.""WrappedUp"", 0), COALESCE(c.""Rated"", 0), COALESCE(c.""Satisfied"", 0), COALESCE(c.""BasicallySatisfied"", 0), COALESCE(c.""Dissatisfied"", 0), COALESCE(c.""RepeatCalls"", 0), COALESCE(c.""OutOfRegion"", 0), COALESCE(c.""RegionKnown"", 0), COALESCE(c.""Outbound"", 0), COALESCE(w.""WorkOrdersCreated"", 0), COALESCE(w.""WorkOrdersCompleted"", 0), COALESCE(w.""CompletedOnTime"", 0), COALESCE(w.""FirstContactResolved"", 0), COALESCE(w.""Referred"", 0), COALESCE(w.""HandedOver"", 0), COALESCE(w.""OtherChannelCreated"", 0), COALESCE(w.""OtherChannelSatisfied"", 0), COALESCE(w.""OtherChannelBasicallySatisfied"", 0), COALESCE(w.""OtherChannelDissatisfied"", 0) FROM (SELECT ""PlatformId"", ""Day"" FROM ""CallDayStats"" UNION SELECT ""PlatformId"", ""Day"" FROM ""WorkOrderDayStats"") k LEFT JOIN (SELECT ""PlatformId"", ""Day"", SUM(""Inbound"") AS ""Inbound"", SUM(""Requests"") AS ""Requests"", SUM(""Answered"") AS ""Answered"", SUM(""AnsweredInTarget"") AS ""AnsweredInTarget"", SUM(""Abandoned"") AS ""Abandoned"", SUM(""CallbackRequests"") AS ""CallbackRequests"", SUM(""WaitSeconds"") AS ""WaitSeconds"", SUM(""TalkSeconds"") AS ""TalkSeconds"", SUM(""Talked"") AS ""Talked"", SUM(""WrapSeconds"") AS ""WrapSeconds"", SUM(""WrappedUp"") AS ""WrappedUp"", SUM(""Rated"") AS ""Rated"", SUM(""Satisfied"") AS ""Satisfied"", SUM(""BasicallySatisfied"") AS ""BasicallySatisfied"", SUM(""Dissatisfied"") AS ""Dissatisfied"", SUM(""RepeatCalls"") AS ""RepeatCalls"", SUM(""OutOfRegion"") AS ""OutOfRegion"", SUM(""RegionKnown"") AS ""RegionKnown"", SUM(""Outbound"") AS ""Outbound"" FROM ""CallDayStats"" GROUP BY ""PlatformId"", ""Day"") c ON c.""PlatformId"" = k.""PlatformId"" AND c.""Day"" = k.""Day"" LEFT JOIN (SELECT ""PlatformId"", ""Day"", SUM(""Created"") AS ""WorkOrdersCreated"", SUM(""Completed"") AS ""WorkOrdersCompleted"", SUM(""CompletedOnTime"") AS ""CompletedOnTime"", SUM(""FirstContactResolved"") AS ""FirstContactResolved"", SUM(""Referred"") AS ""Referred"", SUM(""HandedOver"") AS ""HandedOver"", SUM(CASE WHEN ""Channel"" <> 'Phone' THEN ""Created"" ELSE 0 END) AS ""OtherChannelCreated"", SUM(CASE WHEN ""Channel"" <> 'Phone' THEN ""Satisfied"" ELSE 0 END) AS ""OtherChannelSatisfied"", SUM(CASE WHEN ""Channel"" <> 'Phone' THEN ""BasicallySatisfied"" ELSE 0 END) AS ""OtherChannelBasicallySatisfied"", SUM(CASE WHEN ""Channel"" <> 'Phone' THEN ""Dissatisfied"" ELSE 0 END) AS ""OtherChannelDissatisfied"" FROM ""WorkOrderDayStats"" GROUP BY ""PlatformId"", ""Day"") w ON w.""PlatformId"" = k.""PlatformId"" AND w.""Day"" = k.""Day""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PlatformDayStats");
        }
    }
}
