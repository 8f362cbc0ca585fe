// What the dashboard's management panels share: the staff token, a way to run an action that shows
// its failure in the page's error box, and a line that says what the last action did.
import { byId } from '../common/dom';
import { api } from '../common/session';

/** Given to each panel by the dashboard. */
export interface PanelContext {
  token: string;
  /** Runs `action`, showing a failure in the page's error box instead of throwing. */
  act(action: () => Promise<void>): Promise<void>;
  /** A JSON call with the staff token. */
  api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** A context calling the API with `token`. */
export function panelContext(token: string, act: PanelContext['act']): PanelContext {
  return { token, act, api: (method, path, body) => api(method, path, token, body) };
}

/** Writes what an action did into the panel's status line (`#<id>`). */
export function report(id: string, text: string): void {
  byId(id).textContent = text;
}

/** `/api/events/<id><rest>` with the id encoded. */
export function eventPath(eventId: string, rest = ''): string {
  return `/api/events/${encodeURIComponent(eventId)}${rest}`;
}

/** An ISO time as the value of a `datetime-local` input (the browser's zone), '' for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A `datetime-local` value back as ISO (UTC), null for an empty input. */
export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** A time for a table cell. */
export function when(value: string | number): string {
  return new Date(value).toLocaleString();
}
