using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TermMonthRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TermMonthStats",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Term = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Orders = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TermMonthStats", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TermMonthStats_PlatformId_Month_Term",
                table: "TermMonthStats",
                columns: new[] { "PlatformId", "Month", "Term" },
                unique: true);
            // Existing installations: the month rows of the day rows already there (the worker keeps them current from now on).
            migrationBuilder.Sql(@"INSERT INTO ""TermMonthStats"" (""PlatformId"", ""Month"", ""Term"", ""Orders"")
SELECT ""PlatformId"", substr(""Day"", 1, 8) || '01', ""Term"", SUM(""Orders"")
FROM ""TermDayStats"" GROUP BY ""PlatformId"", substr(""Day"", 1, 8) || '01', ""Term""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TermMonthStats");
        }
    }
}
