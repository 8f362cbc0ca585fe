// "My tickets": the signed-in user's orders in this event (`GET /api/me/orders?eventId=`), each ticket
// with its code and a QR code of that code drawn on a canvas by qrcode-generator, for the gate to scan
// or type. Tickets of a cancelled order are shown as void, without a QR code. The QR library is loaded
// only when there are tickets to show (a chunk of its own), so the map's first paint does not wait for it.
import { loadMyOrders } from '../../../protocol/sdk/my-orders';
import type { OrderReply } from '../../../protocol/ticket-replies';
import { byId, h, money } from '../common/dom';


/** What the panel needs from the page. */
export interface MyTicketsHost {
  eventId: string;
  token: string | null;
  seatLabel(seatId: string): string;
  areaName(areaId: string): string;
}

/** Pixels per QR module, and the quiet zone around the code in modules (the standard asks for 4). */
const CELL_PX = 4;
const QUIET_MODULES = 4;

type QrFactory = typeof import('qrcode-generator');

let library: Promise<QrFactory> | null = null;

/** The QR library, loaded once. */
function qrLibrary(): Promise<QrFactory> {
  library ??= import('qrcode-generator').then((module) => module.default);
  return library;
}

/** A canvas with the QR code of `text`, drawn by the library (error correction M). */
export function qrCanvas(qrcode: QrFactory, text: string): HTMLCanvasElement {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const side = (qr.getModuleCount() + QUIET_MODULES * 2) * CELL_PX;
  const canvas = h('canvas', { width: side, height: side, class: 'qr', role: 'img', 'aria-label': `QR code of ticket ${text}`, 'data-qr': text });
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, side, side);
  ctx.translate(QUIET_MODULES * CELL_PX, QUIET_MODULES * CELL_PX);
  qr.renderTo2dContext(ctx, CELL_PX);
  return canvas;
}

/** See the file comment. */
export class MyTickets {
  private readonly section = byId('tickets-section');
  private readonly list = byId('tickets');
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly host: MyTicketsHost) {}

  /** Loads the orders again (after a purchase, or on open); one load at a time. */
  refresh(): Promise<void> {
    this.loading = this.loading.then(() => this.load()).catch(() => undefined);
    return this.loading;
  }

  private async load(): Promise<void> {
    if (!this.host.token) return;
    const orders = await loadMyOrders(this.host.eventId, { token: this.host.token });
    this.section.hidden = orders.length === 0;
    if (orders.length === 0) return;
    const qrcode = await qrLibrary();
    this.list.replaceChildren(...orders.map((order) => this.order(qrcode, order)));
  }

  private order(qrcode: QrFactory, order: OrderReply): HTMLElement {
    const cancelled = order.status === 'cancelled';
    const tickets = order.tickets.map((ticket) => {
      const place = ticket.seatId ? this.host.seatLabel(ticket.seatId) : `Standing: ${this.host.areaName(ticket.areaId ?? '')}`;
      return h(
        'li',
        { class: 'ticket', 'data-ticket-code': ticket.code },
        h('span', { class: 'ticket-place' }, place),
        h('code', { class: 'ticket-code' }, ticket.code),
        cancelled ? h('strong', { class: 'void' }, 'Void: this order was cancelled') : qrCanvas(qrcode, ticket.code),
      );
    });
    return h(
      'li',
      { class: 'my-order', 'data-order-id': order.orderId, 'data-status': order.status },
      h('p', {}, h('strong', {}, `Order ${order.orderId}`), ` · ${order.status} · ${money(order.total)} · ${new Date(order.createdAt).toLocaleString()}`),
      h('ul', { class: 'tickets' }, ...tickets),
    );
  }
}
