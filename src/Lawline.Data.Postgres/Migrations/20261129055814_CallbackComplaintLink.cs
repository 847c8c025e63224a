using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lawline.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CallbackComplaintLink : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_CallbackTasks_ComplaintWorkOrderId",
                table: "CallbackTasks",
                column: "ComplaintWorkOrderId");

            migrationBuilder.AddForeignKey(
                name: "FK_CallbackTasks_WorkOrders_ComplaintWorkOrderId",
                table: "CallbackTasks",
                column: "ComplaintWorkOrderId",
                principalTable: "WorkOrders",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_CallbackTasks_WorkOrders_ComplaintWorkOrderId",
                table: "CallbackTasks");

            migrationBuilder.DropIndex(
                name: "IX_CallbackTasks_ComplaintWorkOrderId",
                table: "CallbackTasks");
        }
    }
}
