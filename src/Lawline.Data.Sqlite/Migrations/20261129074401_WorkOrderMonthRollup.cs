using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class WorkOrderMonthRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WorkOrderMonthStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Completed = table.Column<int>(type: "INTEGER", nullable: false),
                    CompletedOnTime = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstContactResolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Referred = table.Column<int>(type: "INTEGER", nullable: false),
                    HandedOver = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<int>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    Rated = table.Column<int>(type: "INTEGER", nullable: false),
                    Satisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    BasicallySatisfied = table.Column<int>(type: "INTEGER", nullable: false),
                    Dissatisfied = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkOrderMonthStats", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkOrderMonthStats_PlatformId_Month_CategoryCode_Channel_Type",
                table: "WorkOrderMonthStats",
                columns: new[] { "PlatformId", "Month", "CategoryCode", "Channel", "Type" },
                unique: true);
            // Existing installations: the month rows of the day rows already there (the worker keeps them current from now on).
            migrationBuilder.Sql(@"INSERT INTO ""WorkOrderMonthStats"" (""PlatformId"", ""Month"", ""CategoryCode"", ""Channel"", ""Type"", ""Created"", ""Completed"", ""CompletedOnTime"", ""FirstContactResolved"", ""Referred"", ""HandedOver"", ""Escalated"", ""Reopened"", ""Rated"", ""Satisfied"", ""BasicallySatisfied"", ""Dissatisfied"")
SELECT ""PlatformId"", substr(""Day"", 1, 8) || '01', ""CategoryCode"", ""Channel"", ""Type"", SUM(""Created""), SUM(""Completed""), SUM(""CompletedOnTime""), SUM(""FirstContactResolved""), SUM(""Referred""), SUM(""HandedOver""), SUM(""Escalated""), SUM(""Reopened""), SUM(""Rated""), SUM(""Satisfied""), SUM(""BasicallySatisfied""), SUM(""Dissatisfied"")
FROM ""WorkOrderDayStats"" GROUP BY ""PlatformId"", substr(""Day"", 1, 8) || '01', ""CategoryCode"", ""Channel"", ""Type""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WorkOrderMonthStats");
        }
    }
}
