// Staff's pause/resume as the jobs want it written: the sales state and its `event.sales_opened` /
// `event.sales_closed` outbox row in one statement, fenced by the writing actor's epoch.
import type { SalesWriter } from '../actor/staff-commands';
import { writeSalesAnnounced } from '../store/event-admin-writes';
import type { SqlClient } from '../store/sql-client';

/** The SalesWriter an actor uses when the jobs run: announces every change it makes. */
export function announcedSales(sql: SqlClient): SalesWriter {
  return { setSales: (eventId, sales, epoch) => writeSalesAnnounced(sql, eventId, epoch, sales) };
}
