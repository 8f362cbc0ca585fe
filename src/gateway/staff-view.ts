// Builds what the staff routes read and write besides events and orders, over the node's database.
import { PostgresAuditStore } from '../store/postgres-audit-store';
import { PostgresOrderExport } from '../store/postgres-order-export';
import type { SqlClient } from '../store/sql-client';
import { TicketCodes } from '../store/ticket-code';
import type { StaffView } from './http-routes';

/** The audit trail, the order export and ticket codes (for the CSV) of one database. */
export function staffView(sql: SqlClient, ticketSecret: string): StaffView {
  const codes = new TicketCodes(ticketSecret);
  return {
    audit: new PostgresAuditStore(sql),
    exports: new PostgresOrderExport(sql),
    ticketCode: (orderId, place) => codes.code(orderId, place),
  };
}
