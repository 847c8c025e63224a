using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Orders = table.Column<int>(type: "integer", nullable: false)
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
SELECT ""PlatformId"", CAST(date_trunc('month', ""Day"") AS date), ""Term"", SUM(""Orders"")
FROM ""TermDayStats"" GROUP BY ""PlatformId"", CAST(date_trunc('month', ""Day"") AS date), ""Term""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TermMonthStats");
        }
    }
}
